import { InstrumentCatalog, type DomainError } from '@robo/domain';
import { basketOrders, ironCondor, straddle, strangle, verticalSpread } from './basket';
import { basketPnl, type LegFill } from './basket-pnl';

const common = { legGroupId: 'g-1', underlying: 'NIFTY', expiry: '2026-11-24', quantity: 65 };
const catalog = new InstrumentCatalog();

describe('basket builders', () => {
  it('a short straddle sells the call and the put at one strike', () => {
    expect(straddle({ ...common, strikePaise: 2_600_000, side: 'SELL' })).toEqual({
      legGroupId: 'g-1',
      kind: 'STRADDLE',
      underlying: 'NIFTY',
      expiry: '2026-11-24',
      legs: [
        { legId: 'CE', instrument: 'NIFTY 2026-11-24 26000 CE', side: 'SELL', quantity: 65 },
        { legId: 'PE', instrument: 'NIFTY 2026-11-24 26000 PE', side: 'SELL', quantity: 65 },
      ],
    });
  });

  it('strangle, vertical spread and iron condor legs resolve in the catalog', () => {
    const baskets = [
      strangle({ ...common, putStrikePaise: 2_550_000, callStrikePaise: 2_650_000, side: 'SELL' }),
      verticalSpread({ ...common, optionType: 'CE', longStrikePaise: 2_600_000, shortStrikePaise: 2_650_000 }),
      ironCondor({ ...common, longPutStrikePaise: 2_500_000, shortPutStrikePaise: 2_550_000, shortCallStrikePaise: 2_650_000, longCallStrikePaise: 2_700_000 }),
    ];
    expect(baskets.map((b) => b.legs.map((l) => `${l.side} ${l.instrument}`))).toEqual([
      ['SELL NIFTY 2026-11-24 25500 PE', 'SELL NIFTY 2026-11-24 26500 CE'],
      ['BUY NIFTY 2026-11-24 26000 CE', 'SELL NIFTY 2026-11-24 26500 CE'],
      ['BUY NIFTY 2026-11-24 25000 PE', 'SELL NIFTY 2026-11-24 25500 PE', 'SELL NIFTY 2026-11-24 26500 CE', 'BUY NIFTY 2026-11-24 27000 CE'],
    ]);
    for (const b of baskets) for (const l of b.legs) expect(catalog.get(l.instrument)?.lotSize).toBe(65); // NIFTY from January 2026
  });

  it('refuses strikes in the wrong order', () => {
    const code = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return (error as DomainError).code;
      }
      return null;
    };
    expect(code(() => strangle({ ...common, putStrikePaise: 2_650_000, callStrikePaise: 2_550_000, side: 'SELL' }))).toBe('BASKET_STRIKES_INVALID');
    expect(code(() => ironCondor({ ...common, longPutStrikePaise: 2_550_000, shortPutStrikePaise: 2_500_000, shortCallStrikePaise: 2_650_000, longCallStrikePaise: 2_700_000 }))).toBe('BASKET_STRIKES_INVALID');
    expect(code(() => verticalSpread({ ...common, optionType: 'PE', longStrikePaise: 2_600_000, shortStrikePaise: 2_600_000 }))).toBe('BASKET_STRIKES_INVALID');
  });

  it('orders a basket hedge first, every leg tagged with the basket id', () => {
    const condor = ironCondor({ ...common, longPutStrikePaise: 2_500_000, shortPutStrikePaise: 2_550_000, shortCallStrikePaise: 2_650_000, longCallStrikePaise: 2_700_000 });
    const orders = basketOrders(condor, { strategyId: 's-1', accountId: 'acc-1', product: 'NRML', reason: 'iron condor' });
    expect(orders.map((o) => [o.clientOrderId, o.side, o.legGroupId])).toEqual([
      ['g-1:open:LONG_PE', 'BUY', 'g-1'],
      ['g-1:open:LONG_CE', 'BUY', 'g-1'],
      ['g-1:open:SHORT_PE', 'SELL', 'g-1'],
      ['g-1:open:SHORT_CE', 'SELL', 'g-1'],
    ]);
  });
});

describe('basket P&L', () => {
  const fill = (legId: string, instrument: string, fillId: string, side: 'BUY' | 'SELL', pricePaise: number, feesPaise: number): LegFill => ({
    legId,
    accountId: 'acc-1',
    instrument,
    orderId: `o-${fillId}`,
    fillId,
    side,
    quantity: 75,
    pricePaise,
    feesPaise,
    occurredAt: '2026-11-20T09:20:00+05:30',
  });
  const CE = 'NIFTY 2026-11-24 26000 CE';
  const PE = 'NIFTY 2026-11-24 26000 PE';
  // Short straddle: CE sold 75 @ 203.25 (fees 50) and stopped out at 264.25 (fees 60); PE sold 75 @ 170.85 (fees 50), open.
  const fills = [fill('CE', CE, 'f1', 'SELL', 20_325, 50), fill('PE', PE, 'f2', 'SELL', 17_085, 50), fill('CE', CE, 'f3', 'BUY', 26_425, 60)];

  it('per leg and combined, hand-computed', () => {
    const pnl = basketPnl(fills, { [PE]: 12_000 });
    // CE: short cost 75 x 20,325 = 1,524,375; bought back 75 x 26,425 = 1,981,875
    //     gross = 1,524,375 - 1,981,875 = -457,500; net = -457,500 - 50 - 60 = -457,610; flat
    expect(pnl.legs[0]).toEqual({
      legId: 'CE', instrument: CE, quantity: 0, costBasisPaise: 0, lastPricePaise: null,
      realizedGrossPaise: -457_500, realizedNetPaise: -457_610, unrealizedGrossPaise: 0, unrealizedNetPaise: 0,
      totalGrossPaise: -457_500, totalNetPaise: -457_610, feesPaise: 110,
    });
    // PE: short 75, cost 75 x 17,085 = 1,281,375; last 120.00: unrealized = 12,000 x (-75) + 1,281,375 = 381,375
    //     net of its entry charges: 381,375 - 50 = 381,325
    expect(pnl.legs[1]).toEqual({
      legId: 'PE', instrument: PE, quantity: -75, costBasisPaise: 1_281_375, lastPricePaise: 12_000,
      realizedGrossPaise: 0, realizedNetPaise: 0, unrealizedGrossPaise: 381_375, unrealizedNetPaise: 381_325,
      totalGrossPaise: 381_375, totalNetPaise: 381_325, feesPaise: 50,
    });
    // combined: gross -457,500 + 381,375 = -76,125; fees 110 + 50 = 160; net -76,125 - 160 = -76,285
    expect(pnl.combined).toEqual({
      realizedGrossPaise: -457_500, realizedNetPaise: -457_610, unrealizedGrossPaise: 381_375, unrealizedNetPaise: 381_325,
      totalGrossPaise: -76_125, totalNetPaise: -76_285, feesPaise: 160,
    });
  });

  it('needs a last price for every open leg, and one instrument per leg', () => {
    expect(() => basketPnl(fills, {})).toThrow(expect.objectContaining({ code: 'LAST_PRICE_MISSING' }));
    expect(() => basketPnl([...fills, fill('CE', PE, 'f4', 'BUY', 100, 0)], { [PE]: 1 })).toThrow(expect.objectContaining({ code: 'BASKET_LEG_MISMATCH' }));
  });

  it('a redelivered fill counts once (the domain\'s position idempotency)', () => {
    expect(basketPnl([...fills, fills[0]], { [PE]: 12_000 }).combined).toEqual(basketPnl(fills, { [PE]: 12_000 }).combined);
  });
});
