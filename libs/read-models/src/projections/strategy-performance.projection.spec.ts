import type { OrderFillData, Side } from '@robo/domain';
import { projectAll, TestLog } from '../testing/test-log';
import { strategyPerformanceProjection, type StrategyDayDoc } from './strategy-performance.projection';

const D1 = '2026-11-16';
const D2 = '2026-11-17';
const at = (date: string, hhmm: string) => `${date}T${hhmm}:00+05:30`;

function fill(log: TestLog, orderId: string, strategyId: string | null, side: Side, quantity: number, pricePaise: number, feesPaise: number, occurredAt: string, accountId = 'acc-1') {
  const data: OrderFillData = {
    orderId,
    accountId,
    instrument: 'RELIANCE',
    side,
    product: 'MIS',
    strategyId,
    fillId: 'T-1',
    quantity,
    pricePaise,
    feesPaise,
    filledQuantity: quantity,
    remainingQuantity: 0,
    occurredAt,
  };
  return log.append(`order-${orderId}`, { type: 'OrderFilled', data });
}

const days = (log: TestLog) => projectAll(strategyPerformanceProjection, log.events).get('strategy_days') ?? new Map();

describe('strategyPerformanceProjection', () => {
  it("collects a strategy's fills per IST date, in business-time order, with the day's sums", () => {
    const log = new TestLog();
    fill(log, 'o1', 'alpha', 'BUY', 10, 20_000, 50, at(D1, '10:00'));
    fill(log, 'o2', 'alpha', 'SELL', 4, 20_500, 20, at(D1, '09:30'), 'acc-2'); // reported late, earlier business time
    fill(log, 'o3', 'alpha', 'SELL', 6, 21_000, 30, at(D2, '10:00'));
    const docs = days(log);
    expect([...docs.keys()]).toEqual(['alpha|2026-11-16', 'alpha|2026-11-17']);
    expect(docs.get('alpha|2026-11-16')).toEqual({
      strategyId: 'alpha',
      date: D1,
      fills: [
        { orderId: 'o2', fillId: 'T-1', accountId: 'acc-2', instrument: 'RELIANCE', side: 'SELL', product: 'MIS', quantity: 4, pricePaise: 20_500, feesPaise: 20, occurredAt: at(D1, '09:30'), position: 2 },
        { orderId: 'o1', fillId: 'T-1', accountId: 'acc-1', instrument: 'RELIANCE', side: 'BUY', product: 'MIS', quantity: 10, pricePaise: 20_000, feesPaise: 50, occurredAt: at(D1, '10:00'), position: 1 },
      ],
      // -(200,000 + 50) + (82,000 - 20)
      cashChangePaise: -118_070,
      feesPaise: 70,
      turnoverPaise: 282_000,
      positions: [{ instrument: 'RELIANCE', quantityChange: 6 }],
      accountIds: ['acc-1', 'acc-2'],
      lastEventPosition: 2,
    } satisfies StrategyDayDoc);
    expect((docs.get('alpha|2026-11-17') as StrategyDayDoc).cashChangePaise).toBe(125_970); // 126,000 - 30
  });

  it('keeps strategies apart and ignores fills of orders without a strategy, or recorded before fills named one', () => {
    const log = new TestLog();
    fill(log, 'o1', 'alpha', 'BUY', 1, 20_000, 0, at(D1, '10:00'));
    fill(log, 'o2', 'beta', 'SELL', 1, 20_000, 0, at(D1, '10:00'));
    const manual = fill(log, 'o3', null, 'BUY', 1, 20_000, 0, at(D1, '10:00'));
    const old = log.append('order-o4', {
      type: 'OrderFilled',
      data: { orderId: 'o4', accountId: 'acc-1', fillId: 'T-1', quantity: 1, pricePaise: 20_000, feesPaise: 0, filledQuantity: 1, remainingQuantity: 0, occurredAt: at(D1, '10:00') },
    });
    const cancelled = log.append('order-o5', { type: 'OrderCancelled', data: { orderId: 'o5', accountId: 'acc-1', reason: 'user', cancelledQuantity: 1 } });
    expect([...days(log).keys()]).toEqual(['alpha|2026-11-16', 'beta|2026-11-16']);
    for (const event of [manual, old, cancelled]) expect(strategyPerformanceProjection.keys(event)).toEqual([]);
  });

  it('changes nothing when an event is applied again; a fill id seen twice in an order counts once', () => {
    const log = new TestLog();
    const first = fill(log, 'o1', 'alpha', 'BUY', 10, 20_000, 50, at(D1, '10:00'));
    const doc = days(log).get('alpha|2026-11-16')!;
    expect(strategyPerformanceProjection.apply({ collection: 'strategy_days', id: 'alpha|2026-11-16' }, doc, first)).toBe(doc);
    fill(log, 'o1', 'alpha', 'BUY', 10, 20_000, 50, at(D1, '10:00'));
    const again = days(log).get('alpha|2026-11-16') as StrategyDayDoc;
    expect([again.fills.length, again.cashChangePaise, again.lastEventPosition]).toEqual([1, -200_050, 2]);
  });
});
