import { composePortfolio, markHolding, netInflowOf } from './portfolio';
import { isLaterMark, marketPriceInterval, recordMarketPrices } from '../market/market-prices';

const AT = '2026-11-20T10:00:00+05:30';

describe('composePortfolio: equity, unrealized and total P&L from holdings and market marks', () => {
  // The walk-through: 10 lakh + 5 lakh put in; bought 100 RELIANCE (40 @ 2,499, 60 @ 2,500) with Rs 41.57 of charges.
  const holdings = [{ instrument: 'RELIANCE', quantity: 100, costBasisPaise: 24_996_000, openFeesPaise: 4_157, realizedGrossPaise: 0, realizedNetPaise: 0, feesPaise: 4_157 }];
  const cash = { cashPaise: 150_000_000 - 24_996_000 - 4_157, reservedPaise: 0, netInflowPaise: 150_000_000 };

  it('total P&L is equity - money put in, so the charges paid on an open position count (hand-computed)', () => {
    const p = composePortfolio(cash, holdings, new Map([['RELIANCE', { pricePaise: 250_100, at: AT }]]));
    // 100 x 2,501.00 = 25,010,000; unrealized = 25,010,000 - 24,996,000 = 14,000
    expect(p.marketValuePaise).toBe(25_010_000);
    expect(p.unrealizedPnlPaise).toBe(14_000);
    expect(p.equityPaise).toBe(cash.cashPaise + 25_010_000);
    // 150,009,843 - 150,000,000 = 9,843 = 0 + 14,000 - 4,157, not realized + unrealized (14,000)
    expect(p.totalPnlPaise).toBe(9_843);
    expect(p.pnlSplit).toEqual({ realizedNetPaise: 0, unrealizedPnlPaise: 14_000, openChargesPaise: 4_157 });
    expect(p.pnlSplit.realizedNetPaise + p.pnlSplit.unrealizedPnlPaise - p.pnlSplit.openChargesPaise).toBe(p.totalPnlPaise);
    expect(p.positions[0]).toMatchObject({ markSource: 'MARKET', markedAt: AT, lastPricePaise: 250_100, priced: true });
  });

  it('without a market price marks at cost, visibly: markSource COST, unrealized 0, total P&L = -charges', () => {
    const p = composePortfolio(cash, holdings, new Map());
    expect(p.positions[0]).toMatchObject({ markSource: 'COST', lastPricePaise: null, markedAt: null, priced: false, marketValuePaise: 24_996_000, unrealizedPnlPaise: 0 });
    expect(p.priced).toBe(false);
    expect(p.unpricedInstruments).toEqual(['RELIANCE']);
    expect(p.totalPnlPaise).toBe(-4_157);
  });

  it('values a short at a negative market value, its proceeds being in cash', () => {
    expect(markHolding(-4, 600_000, { pricePaise: 155_000, at: AT })).toMatchObject({ marketValuePaise: -620_000, unrealizedPnlPaise: -20_000, markSource: 'MARKET' });
    expect(markHolding(0, 0, { pricePaise: 155_000, at: AT })).toMatchObject({ marketValuePaise: 0, unrealizedPnlPaise: 0, markSource: null });
  });

  it('net money in is initial cash + deposits - withdrawals', () => {
    expect(
      netInflowOf([
        { type: 'AccountOpened', data: { accountId: 'a', name: 'A', initialCashPaise: 100, openedAt: AT } },
        { type: 'FundsDeposited', data: { accountId: 'a', amountPaise: 50 } },
        { type: 'FundsWithdrawn', data: { accountId: 'a', amountPaise: 20 } },
        { type: 'FundsReserved', data: { accountId: 'a', orderId: 'o', amountPaise: 70 } },
      ]),
    ).toBe(130);
  });
});

describe('recorded market prices', () => {
  it('one batch per minute of business time: the interval is the seed of the event id', () => {
    expect(marketPriceInterval('2026-11-20T10:00:59+05:30')).toBe('2026-11-20T04:30:00.000Z');
    expect(marketPriceInterval('2026-11-20T04:30:00Z')).toBe('2026-11-20T04:30:00.000Z');
    expect(marketPriceInterval('2026-11-20T10:01:00+05:30')).toBe('2026-11-20T04:31:00.000Z');
  });

  it('a batch holds positive integer prices, one per instrument, ordered; none left is no event', () => {
    expect(recordMarketPrices(AT, 's', [{ instrument: 'TCS', pricePaise: 1 }, { instrument: 'INFY', pricePaise: 2 }, { instrument: 'ITC', pricePaise: 0 }, { instrument: 'INFY', pricePaise: 3 }])).toEqual({
      type: 'MarketPricesRecorded',
      data: { at: AT, source: 's', prices: [{ instrument: 'INFY', pricePaise: 3 }, { instrument: 'TCS', pricePaise: 1 }] },
    });
    expect(recordMarketPrices(AT, 's', [{ instrument: 'ITC', pricePaise: 1.5 }])).toBeNull();
  });

  it('the later business time wins, a tie goes to the later event', () => {
    expect(isLaterMark('2026-11-20T10:01:00+05:30', 1, { at: AT, position: 2 })).toBe(true);
    expect(isLaterMark('2026-11-20T09:59:00+05:30', 3, { at: AT, position: 2 })).toBe(false);
    expect(isLaterMark('2026-11-20T04:30:00Z', 3, { at: AT, position: 2 })).toBe(true);
    expect(isLaterMark('2026-11-20T04:30:00Z', 1, { at: AT, position: 2 })).toBe(false);
  });
});
