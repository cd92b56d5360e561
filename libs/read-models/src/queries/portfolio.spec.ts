import type { AccountDoc } from '../projections/accounts.projection';
import type { PositionDoc } from '../projections/positions.projection';
import { composePortfolio } from './portfolio';

const account: AccountDoc = {
  accountId: 'a1',
  name: 'Asha',
  cashPaise: 103092500,
  reservedPaise: 500000,
  buyingPowerPaise: 102592500,
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
  position('TCS', { quantity: 2, costBasisPaise: 700000, averagePricePaise: 350000, feesPaise: 200 }),
  position('RELIANCE', { quantity: 9, costBasisPaise: 2280000, averagePricePaise: 2280000 / 9, realizedGrossPaise: 100000, realizedNetPaise: 98600, feesPaise: 3500 }),
  position('INFY', { quantity: -4, costBasisPaise: 600000, averagePricePaise: 150000, feesPaise: 300 }),
  position('HDFCBANK', { status: 'CLOSED', realizedGrossPaise: -20000, realizedNetPaise: -23500, feesPaise: 3500, closedCycles: 1 }),
];

const prices = new Map([
  ['RELIANCE', 260000],
  ['INFY', 155000],
  ['HDFCBANK', 170000],
]);

describe('composePortfolio', () => {
  it('values positions at last prices and adds up P&L (hand-computed)', () => {
    const portfolio = composePortfolio(account, positions, prices);
    expect(portfolio).toEqual({
      accountId: 'a1',
      cashPaise: 103092500,
      reservedPaise: 500000,
      buyingPowerPaise: 102592500,
      // HDFCBANK 0 + INFY -620000 + RELIANCE 2340000 + TCS 700000 (at its average: no price)
      marketValuePaise: 2420000,
      // 103092500 + 2420000
      equityPaise: 105512500,
      // -20000 + 0 + 100000 + 0
      realizedGrossPaise: 80000,
      // -23500 + 98600
      realizedNetPaise: 75100,
      // 3500 + 300 + 3500 + 200
      feesPaise: 7500,
      // INFY -20000 + RELIANCE 60000 + TCS 0
      unrealizedPnlPaise: 40000,
      // 75100 + 40000
      totalPnlPaise: 115100,
      priced: false,
      unpricedInstruments: ['TCS'],
      positions: [
        {
          instrument: 'HDFCBANK',
          quantity: 0,
          averagePricePaise: 0,
          costBasisPaise: 0,
          lastPricePaise: 170000,
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
          lastPricePaise: 155000,
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
          lastPricePaise: 260000,
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
          lastPricePaise: null,
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
    const portfolio = composePortfolio(account, [], new Map());
    expect(portfolio).toMatchObject({ marketValuePaise: 0, equityPaise: 103092500, unrealizedPnlPaise: 0, totalPnlPaise: 0, priced: true, positions: [] });
  });

  it("refuses another account's position", () => {
    expect(() => composePortfolio(account, [position('INFY', { accountId: 'a2' })], prices)).toThrow(RangeError);
  });
});
