import type { AccountDoc } from '../projections/accounts.projection';
import type { PositionDoc } from '../projections/positions.projection';
import type { LastPriceDoc } from '../projections/prices.projection';
import { accountPortfolio, marksOf } from './portfolio';

const account: AccountDoc = {
  accountId: 'a1',
  name: 'Asha',
  // 103,000,000 put in; cash flows of the fills: TCS -700,200, RELIANCE -2,183,500, INFY +599,700, HDFCBANK -23,500
  cashPaise: 100692500,
  reservedPaise: 500000,
  buyingPowerPaise: 100192500,
  initialCashPaise: 100000000,
  depositedPaise: 5000000,
  withdrawnPaise: 2000000,
  realizedNetPaise: 75100,
  feesPaise: 7500,
  fillsCount: 9,
  tradingDay: '2026-01-05',
  dayRealizedNetPaise: 75100,
  limits: { maxOrderValuePaise: null, maxPositionQuantity: null, dailyLossLimitPaise: null },
  halted: false,
  haltReason: null,
  openedAt: '2026-01-05T09:00:00+05:30',
  updatedAt: '2026-01-05T13:00:00+05:30',
  lastEventPosition: 40,
};

function position(instrument: string, p: Partial<PositionDoc>): PositionDoc {
  return {
    accountId: 'a1',
    instrument,
    quantity: 0,
    costBasisPaise: 0,
    openFeesPaise: 0,
    averagePricePaise: 0,
    realizedGrossPaise: 0,
    realizedNetPaise: 0,
    feesPaise: 0,
    cycle: 1,
    cycleRealizedGrossPaise: 0,
    cycleRealizedNetPaise: 0,
    cycleFeesPaise: 0,
    openedAt: '2026-01-05T10:00:00+05:30',
    lastFillAt: '2026-01-05T10:00:00+05:30',
    status: 'OPEN',
    closedCycles: 0,
    lastEventPosition: 1,
    ...p,
  };
}

const positions: PositionDoc[] = [
  position('TCS', { quantity: 2, costBasisPaise: 700000, openFeesPaise: 200, averagePricePaise: 350000, feesPaise: 200 }),
  position('RELIANCE', { quantity: 9, costBasisPaise: 2280000, openFeesPaise: 2100, averagePricePaise: 2280000 / 9, realizedGrossPaise: 100000, realizedNetPaise: 98600, feesPaise: 3500 }),
  position('INFY', { quantity: -4, costBasisPaise: 600000, openFeesPaise: 300, averagePricePaise: 150000, feesPaise: 300 }),
  position('HDFCBANK', { status: 'CLOSED', realizedGrossPaise: -20000, realizedNetPaise: -23500, feesPaise: 3500, closedCycles: 1 }),
];

const AT = '2026-01-05T13:00:00+05:30';
const prices = new Map([
  ['RELIANCE', { pricePaise: 260000, at: AT }],
  ['INFY', { pricePaise: 155000, at: AT }],
  ['HDFCBANK', { pricePaise: 170000, at: AT }],
]);

describe('accountPortfolio', () => {
  it('values positions at the market marks, at cost without one, and adds up P&L (hand-computed)', () => {
    const portfolio = accountPortfolio(account, positions, prices);
    expect(portfolio).toEqual({
      accountId: 'a1',
      cashPaise: 100692500,
      reservedPaise: 500000,
      buyingPowerPaise: 100192500,
      // initial 100,000,000 + deposited 5,000,000 - withdrawn 2,000,000
      netInflowPaise: 103000000,
      // HDFCBANK 0 + INFY -620000 + RELIANCE 2340000 + TCS 700000 (at its average: no price)
      marketValuePaise: 2420000,
      // 100692500 + 2420000
      equityPaise: 103112500,
      // -20000 + 0 + 100000 + 0
      realizedGrossPaise: 80000,
      // -23500 + 98600
      realizedNetPaise: 75100,
      // 3500 + 300 + 3500 + 200
      feesPaise: 7500,
      // INFY -20000 + RELIANCE 60000 + TCS 0
      unrealizedPnlPaise: 40000,
      // 200 + 2100 + 300: charges of the open quantities
      openChargesPaise: 2600,
      // equity - net money in = 103112500 - 103000000, = 75100 + 40000 - 2600
      totalPnlPaise: 112500,
      pnlSplit: { realizedNetPaise: 75100, unrealizedPnlPaise: 40000, openChargesPaise: 2600 },
      priced: false,
      unpricedInstruments: ['TCS'],
      positions: [
        {
          instrument: 'HDFCBANK',
          quantity: 0,
          averagePricePaise: 0,
          costBasisPaise: 0,
          openFeesPaise: 0,
          lastPricePaise: null,
          markSource: null,
          markedAt: null,
          priced: true,
          marketValuePaise: 0,
          unrealizedPnlPaise: 0,
          realizedGrossPaise: -20000,
          realizedNetPaise: -23500,
          feesPaise: 3500,
          status: 'CLOSED',
        },
        {
          instrument: 'INFY',
          quantity: -4,
          averagePricePaise: 150000,
          costBasisPaise: 600000,
          openFeesPaise: 300,
          lastPricePaise: 155000,
          markSource: 'MARKET',
          markedAt: AT,
          priced: true,
          // 155000 x -4
          marketValuePaise: -620000,
          // -620000 - (-1 x 600000) = -20000, i.e. (155000 - 150000) x -4: a short loses when the price rises
          unrealizedPnlPaise: -20000,
          realizedGrossPaise: 0,
          realizedNetPaise: 0,
          feesPaise: 300,
          status: 'OPEN',
        },
        {
          instrument: 'RELIANCE',
          quantity: 9,
          averagePricePaise: 2280000 / 9,
          costBasisPaise: 2280000,
          openFeesPaise: 2100,
          lastPricePaise: 260000,
          markSource: 'MARKET',
          markedAt: AT,
          priced: true,
          // 260000 x 9
          marketValuePaise: 2340000,
          // 2340000 - 2280000
          unrealizedPnlPaise: 60000,
          realizedGrossPaise: 100000,
          realizedNetPaise: 98600,
          feesPaise: 3500,
          status: 'OPEN',
        },
        {
          instrument: 'TCS',
          quantity: 2,
          averagePricePaise: 350000,
          costBasisPaise: 700000,
          openFeesPaise: 200,
          lastPricePaise: null,
          markSource: 'COST',
          markedAt: null,
          priced: false,
          // no price: valued at its average, 350000 x 2 = cost basis 700000
          marketValuePaise: 700000,
          unrealizedPnlPaise: 0,
          realizedGrossPaise: 0,
          realizedNetPaise: 0,
          feesPaise: 200,
          status: 'OPEN',
        },
      ],
    });
  });

  it('is the cash alone for an account without positions', () => {
    const portfolio = accountPortfolio({ ...account, cashPaise: 103000000 }, [], new Map());
    expect(portfolio).toMatchObject({ marketValuePaise: 0, equityPaise: 103000000, unrealizedPnlPaise: 0, totalPnlPaise: 0, priced: true, positions: [] });
  });

  it("refuses another account's position", () => {
    expect(() => accountPortfolio(account, [position('INFY', { accountId: 'a2' })], prices)).toThrow(RangeError);
  });
});

describe('marksOf', () => {
  it('takes recorded market prices and ignores a document an older prices projection made from a fill', () => {
    const recorded = { instrument: 'INFY', pricePaise: 150_000, at: '2026-01-05T10:00:00+05:30', source: 'simulated:x', pricePosition: 3, lastEventPosition: 3 };
    const legacy = { instrument: 'TCS', pricePaise: 400_000, occurredAt: '2026-01-05T10:00:00+05:30', pricePosition: 4, lastEventPosition: 4 } as unknown as LastPriceDoc;
    expect([...marksOf(new Map([['INFY', recorded], ['TCS', legacy]]))]).toEqual([['INFY', { pricePaise: 150_000, at: '2026-01-05T10:00:00+05:30' }]]);
  });
});
