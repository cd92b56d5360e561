import { decidePosition, evolvePosition, initialPositionState, type PositionEvent, type PositionState, type Side } from '@robo/domain';
import { projectAll, TestLog } from '../testing/test-log';
import { accountPerformanceProjection, type AccountDayDoc } from './account-performance.projection';

const D1 = '2026-11-16';
const D2 = '2026-11-17';
const at = (date: string, hhmm: string) => `${date}T${hhmm}:00+05:30`;

/** Position events of INFY for acc-1, decided by the domain from fills. */
class InfyPosition {
  private state: PositionState = initialPositionState;
  fill(fillId: string, side: Side, quantity: number, pricePaise: number, feesPaise: number, occurredAt: string): PositionEvent[] {
    const events = decidePosition(
      { type: 'ApplyFill', data: { accountId: 'acc-1', instrument: 'INFY', orderId: `o-${fillId}`, fillId, side, quantity, pricePaise, feesPaise, occurredAt } },
      this.state,
    );
    this.state = events.reduce(evolvePosition, this.state);
    return events;
  }
}

function settled(fillId: string, side: Side, quantity: number, pricePaise: number, feesPaise: number, realizedPnlPaise: number, tradingDay: string) {
  const value = quantity * pricePaise;
  return {
    type: 'CashSettled' as const,
    data: {
      accountId: 'acc-1',
      orderId: `o-${fillId}`,
      fillId,
      instrument: 'INFY',
      side,
      quantity,
      pricePaise,
      feesPaise,
      cashDeltaPaise: side === 'BUY' ? -value - feesPaise : value - feesPaise,
      reservationReleasedPaise: 0,
      realizedPnlPaise,
      tradingDay,
    },
  };
}

function scenario(): TestLog {
  const log = new TestLog();
  const infy = new InfyPosition();
  const account = 'account-acc-1';
  const position = 'position-acc-1-INFY';
  log.append(account, { type: 'AccountOpened', data: { accountId: 'acc-1', name: 'Asha', initialCashPaise: 1_000_000, openedAt: at(D1, '09:00') } }, { occurredAt: at(D1, '09:00') });
  // 19:00 UTC on D1 is 00:30 IST on D2: the deposit counts on D2
  log.append(account, { type: 'FundsDeposited', data: { accountId: 'acc-1', amountPaise: 50_000 } }, { occurredAt: `${D1}T19:00:00Z` });
  log.append(account, { type: 'FundsReserved', data: { accountId: 'acc-1', orderId: 'o-f1', amountPaise: 100_000 } }, { occurredAt: at(D1, '10:00') });
  // D1: buy 10 @ 10,000 (fees 30): opened, cost 100,000
  for (const e of infy.fill('f1', 'BUY', 10, 10_000, 30, at(D1, '10:00'))) log.append(position, e, { occurredAt: at(D1, '10:00') });
  log.append(account, settled('f1', 'BUY', 10, 10_000, 30, 0, D1), { occurredAt: at(D1, '10:00') });
  // D2: sell 15 @ 10,500 (fees 45) crosses zero: closes 10 (gross 105,000 - 100,000 = 5,000; exit fees 30; net 5,000 - 30 - 30 = 4,940)
  // and opens a short of 5 at 10,500 (cost 52,500, fees 15)
  for (const e of infy.fill('f2', 'SELL', 15, 10_500, 45, at(D2, '11:00'))) log.append(position, e, { occurredAt: at(D2, '11:00') });
  // D2: buy 2 @ 10,000 (fees 6) reduces the short: cost closed 52,500 x 2 / 5 = 21,000; gross 21,000 - 20,000 = 1,000
  for (const e of infy.fill('f3', 'BUY', 2, 10_000, 6, at(D2, '12:00'))) log.append(position, e, { occurredAt: at(D2, '12:00') });
  log.append(account, { type: 'FundsWithdrawn', data: { accountId: 'acc-1', amountPaise: 20_000 } }, { occurredAt: at(D2, '13:00') });
  log.append(account, settled('f3', 'BUY', 2, 10_000, 6, 988, D2), { occurredAt: at(D2, '12:00') });
  // f2 settled late, on D2's afternoon: it still counts on its trading day D2 (not on the day it was recorded)
  log.append(account, settled('f2', 'SELL', 15, 10_500, 45, 4_940, D2), { occurredAt: at(D2, '14:00') });
  return log;
}

const dayDocs = (log: TestLog) => projectAll(accountPerformanceProjection, log.events).get('account_days')!;

describe('accountPerformanceProjection', () => {
  it('keeps one document per account and IST date with the day changes', () => {
    const docs = dayDocs(scenario());
    expect([...docs.keys()]).toEqual(['acc-1|2026-11-16', 'acc-1|2026-11-17']);
    expect(docs.get('acc-1|2026-11-16')).toEqual({
      accountId: 'acc-1',
      date: D1,
      // opening cash 1,000,000 - (100,000 + 30)
      cashChangePaise: 899_970,
      netFlowsPaise: 1_000_000,
      depositsPaise: 1_000_000,
      withdrawalsPaise: 0,
      tradingCashPaise: -100_030,
      feesPaise: 30,
      realizedNetPaise: 0,
      realizedGrossPaise: 0,
      fillsCount: 1,
      positions: [{ instrument: 'INFY', quantityChange: 10, costChangePaise: 100_000 }],
      lastEventPosition: 5,
    } satisfies AccountDayDoc);
    expect(docs.get('acc-1|2026-11-17')).toEqual({
      accountId: 'acc-1',
      date: D2,
      // +50,000 deposit - 20,000 withdrawal - (20,000 + 6) + (157,500 - 45)
      cashChangePaise: 167_449,
      netFlowsPaise: 30_000,
      depositsPaise: 50_000,
      withdrawalsPaise: 20_000,
      tradingCashPaise: 137_449,
      feesPaise: 51,
      realizedNetPaise: 5_928, // 4,940 + 988
      // before charges: 5,000 (the long closed) + 1,000 (2 of the short covered)
      realizedGrossPaise: 6_000,
      fillsCount: 2,
      // units: -10 (close) - 5 (open short) + 2 (cover) = -13
      // cost: -100,000 (closed long) + 52,500 (short opened) - 21,000 (part covered) = -68,500: the short of 3 costs 31,500
      positions: [{ instrument: 'INFY', quantityChange: -13, costChangePaise: -68_500 }],
      lastEventPosition: 11,
    } satisfies AccountDayDoc);
  });

  it('ignores reservations, limits and halts', () => {
    const log = new TestLog();
    const reserved = log.append('account-acc-1', { type: 'FundsReserved', data: { accountId: 'acc-1', orderId: 'o1', amountPaise: 1 } });
    const halted = log.append('account-acc-1', { type: 'TradingHalted', data: { accountId: 'acc-1', reason: 'test' } });
    expect([accountPerformanceProjection.keys(reserved), accountPerformanceProjection.keys(halted)]).toEqual([[], []]);
    expect(accountPerformanceProjection.eventTypes).not.toContain('FundsReserved');
  });

  it('changes nothing when an event is applied again', () => {
    const log = scenario();
    const docs = dayDocs(log);
    const doc = docs.get('acc-1|2026-11-17')!;
    for (const event of log.events.slice(5)) {
      expect(accountPerformanceProjection.apply({ collection: 'account_days', id: 'acc-1|2026-11-17' }, doc, event)).toBe(doc);
    }
  });
});
