import type { AccountEvent } from '@robo/domain';
import { projectAll, TestLog } from '../testing/test-log';
import { accountsProjection, type AccountDoc } from './accounts.projection';

type Settled = Extract<AccountEvent, { type: 'CashSettled' }>['data'];

const S = 'account-a1';

function settled(overrides: Partial<Settled>): Settled {
  return {
    accountId: 'a1',
    orderId: 'o1',
    fillId: 'f1',
    instrument: 'RELIANCE',
    side: 'BUY',
    quantity: 10,
    pricePaise: 250000,
    feesPaise: 0,
    cashDeltaPaise: 0,
    reservationReleasedPaise: 0,
    realizedPnlPaise: 0,
    tradingDay: '2026-01-05',
    ...overrides,
  };
}

const accountOf = (log: TestLog) => projectAll(accountsProjection, log.events).get('accounts')?.get('a1') as AccountDoc | undefined;

/**
 * Opened with 1,000,000.00 (100000000), +50,000.00 deposit, -20,000.00 withdrawal,
 * 25,000.00 reserved for o1, then o1 fills: BUY 10 @ 2500.00, fees 35.00:
 *   cash delta -(10 x 250000) - 3500 = -2503500, reservation released 2500000.
 * Then o2 SELL 10 @ 2600.00, fees 40.00: cash delta 2600000 - 4000 = 2596000,
 *   realized (260000 - 250000) x 10 - 3500 - 4000 = 92500.
 */
function scenario(): TestLog {
  const log = new TestLog();
  log.append(S, { type: 'AccountOpened', data: { accountId: 'a1', name: 'Asha', initialCashPaise: 100000000, openedAt: '2026-01-05T09:00:00+05:30' } });
  log.append(S, { type: 'FundsDeposited', data: { accountId: 'a1', amountPaise: 5000000 } });
  log.append(S, { type: 'FundsWithdrawn', data: { accountId: 'a1', amountPaise: 2000000 } });
  log.append(S, { type: 'FundsReserved', data: { accountId: 'a1', orderId: 'o1', amountPaise: 2500000 } });
  log.append(S, { type: 'CashSettled', data: settled({ feesPaise: 3500, cashDeltaPaise: -2503500, reservationReleasedPaise: 2500000 }) });
  log.append(S, {
    type: 'CashSettled',
    data: settled({ orderId: 'o2', fillId: 'f2', side: 'SELL', pricePaise: 260000, feesPaise: 4000, cashDeltaPaise: 2596000, realizedPnlPaise: 92500 }),
  });
  return log;
}

describe('accountsProjection', () => {
  it('follows cash, reservations and realized P&L', () => {
    const log = scenario();
    expect(accountOf(log)).toEqual({
      accountId: 'a1',
      name: 'Asha',
      // 100000000 + 5000000 - 2000000 - 2503500 + 2596000
      cashPaise: 103092500,
      // 2500000 reserved - 2500000 released
      reservedPaise: 0,
      buyingPowerPaise: 103092500,
      initialCashPaise: 100000000,
      depositedPaise: 5000000,
      withdrawnPaise: 2000000,
      realizedNetPaise: 92500,
      // 3500 + 4000
      feesPaise: 7500,
      fillsCount: 2,
      tradingDay: '2026-01-05',
      dayRealizedNetPaise: 92500,
      limits: { maxOrderValuePaise: null, maxPositionQuantity: null, dailyLossLimitPaise: null },
      halted: false,
      haltReason: null,
      openedAt: '2026-01-05T09:00:00+05:30',
      updatedAt: log.events[5]!.metadata.occurredAt,
      lastEventPosition: 6,
    });
  });

  it('derives buying power as cash minus reservations', () => {
    const log = scenario();
    log.append(S, { type: 'FundsReserved', data: { accountId: 'a1', orderId: 'o3', amountPaise: 1000000 } });
    log.append(S, { type: 'ReservationReleased', data: { accountId: 'a1', orderId: 'o3', amountPaise: 400000, reason: 'modified' } });
    // reserved 1000000 - 400000 = 600000; buying power 103092500 - 600000 = 102492500
    expect(accountOf(log)).toMatchObject({ cashPaise: 103092500, reservedPaise: 600000, buyingPowerPaise: 102492500 });
  });

  it("starts a new day's realized figure on a new trading day and leaves it alone for a late fill of an earlier day", () => {
    const log = scenario();
    log.append(S, { type: 'CashSettled', data: settled({ fillId: 'f3', tradingDay: '2026-01-06', realizedPnlPaise: -5000, cashDeltaPaise: 0 }) });
    log.append(S, { type: 'CashSettled', data: settled({ fillId: 'f4', tradingDay: '2026-01-06', realizedPnlPaise: 2000, cashDeltaPaise: 0 }) });
    log.append(S, { type: 'CashSettled', data: settled({ fillId: 'f5', tradingDay: '2026-01-05', realizedPnlPaise: 1000, cashDeltaPaise: 0 }) });
    expect(accountOf(log)).toMatchObject({
      tradingDay: '2026-01-06',
      // -5000 + 2000
      dayRealizedNetPaise: -3000,
      // 92500 - 5000 + 2000 + 1000
      realizedNetPaise: 90500,
      fillsCount: 5,
    });
  });

  it('records limits and the kill switch', () => {
    const log = scenario();
    log.append(S, { type: 'RiskLimitsSet', data: { accountId: 'a1', maxOrderValuePaise: 10000000, maxPositionQuantity: 500, dailyLossLimitPaise: 2500000 } });
    log.append(S, { type: 'TradingHalted', data: { accountId: 'a1', reason: 'daily loss' } });
    expect(accountOf(log)).toMatchObject({
      limits: { maxOrderValuePaise: 10000000, maxPositionQuantity: 500, dailyLossLimitPaise: 2500000 },
      halted: true,
      haltReason: 'daily loss',
    });
    log.append(S, { type: 'TradingResumed', data: { accountId: 'a1' } });
    expect(accountOf(log)).toMatchObject({ halted: false, haltReason: null, lastEventPosition: 9 });
  });

  it('returns the same document when an event is applied again, and ignores an account never opened', () => {
    const log = scenario();
    const doc = accountOf(log)!;
    const ref = { collection: 'accounts', id: 'a1' };
    expect(accountsProjection.apply(ref, doc, log.events[4]!)).toBe(doc);
    const stray = new TestLog().append('account-zz', { type: 'FundsDeposited', data: { accountId: 'zz', amountPaise: 1 } });
    expect(accountsProjection.apply({ collection: 'accounts', id: 'zz' }, null, stray)).toBeNull();
  });
});
