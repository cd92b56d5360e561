import type { OrderEvent } from '@robo/domain';
import { projectAll, TestLog } from '../testing/test-log';
import { ordersProjection, type OrderDoc } from './orders.projection';

type Placed = Extract<OrderEvent, { type: 'OrderPlaced' }>['data'];

function placedData(overrides: Partial<Placed> = {}): Placed {
  return {
    orderId: 'o1',
    accountId: 'a1',
    instrument: 'RELIANCE',
    side: 'BUY',
    quantity: 10,
    orderType: 'LIMIT',
    limitPricePaise: 250000,
    triggerPricePaise: null,
    product: 'CNC',
    validity: 'DAY',
    strategyId: 's1',
    clientOrderId: 'c-1',
    placedAt: '2026-01-05T10:00:00+05:30',
    ...overrides,
  };
}

const orderOf = (log: TestLog, id = 'o1') => projectAll(ordersProjection, log.events).get('orders')?.get(id) as OrderDoc | undefined;

describe('ordersProjection', () => {
  it('follows a limit order from placement through a partial fill to filled', () => {
    const log = new TestLog();
    log.append('order-o1', { type: 'OrderPlaced', data: placedData() });
    log.append('order-o1', { type: 'OrderAccepted', data: { orderId: 'o1', accountId: 'a1', reservedPaise: 2500000 } });
    const fill = { orderId: 'o1', accountId: 'a1', occurredAt: '2026-01-05T10:01:00+05:30' };
    log.append('order-o1', {
      type: 'OrderPartiallyFilled',
      data: { ...fill, fillId: 'f1', quantity: 4, pricePaise: 249950, feesPaise: 1500, filledQuantity: 4, remainingQuantity: 6 },
    });
    const last = log.append('order-o1', {
      type: 'OrderFilled',
      data: { ...fill, fillId: 'f2', quantity: 6, pricePaise: 250000, feesPaise: 2000, filledQuantity: 10, remainingQuantity: 0 },
    });

    expect(orderOf(log)).toEqual({
      orderId: 'o1',
      accountId: 'a1',
      instrument: 'RELIANCE',
      side: 'BUY',
      quantity: 10,
      filledQuantity: 10,
      remainingQuantity: 0,
      orderType: 'LIMIT',
      limitPricePaise: 250000,
      triggerPricePaise: null,
      product: 'CNC',
      validity: 'DAY',
      strategyId: 's1',
      clientOrderId: 'c-1',
      status: 'FILLED',
      rejectReasonCode: null,
      rejectReason: null,
      closeReason: null,
      unfilledQuantity: 0,
      reservedPaise: 2500000,
      // 4 x 249950 = 999800; 6 x 250000 = 1500000; total 2499800; average 2499800 / 10 = 249980
      averageFillPricePaise: 249980,
      filledValuePaise: 2499800,
      // 1500 + 2000
      feesPaise: 3500,
      fills: [
        { fillId: 'f1', quantity: 4, pricePaise: 249950, feesPaise: 1500, occurredAt: '2026-01-05T10:01:00+05:30' },
        { fillId: 'f2', quantity: 6, pricePaise: 250000, feesPaise: 2000, occurredAt: '2026-01-05T10:01:00+05:30' },
      ],
      placedAt: '2026-01-05T10:00:00+05:30',
      triggeredAt: null,
      updatedAt: last.metadata.occurredAt,
      seq: 1,
      lastEventPosition: 4,
    });
  });

  it('shows the partial state in between', () => {
    const log = new TestLog();
    log.append('order-o1', { type: 'OrderPlaced', data: placedData() });
    log.append('order-o1', { type: 'OrderAccepted', data: { orderId: 'o1', accountId: 'a1', reservedPaise: 2500000 } });
    expect(orderOf(log)).toMatchObject({ status: 'OPEN', remainingQuantity: 10, averageFillPricePaise: null });
    log.append('order-o1', {
      type: 'OrderPartiallyFilled',
      data: { orderId: 'o1', accountId: 'a1', fillId: 'f1', quantity: 3, pricePaise: 250005, feesPaise: 100, filledQuantity: 3, remainingQuantity: 7, occurredAt: '2026-01-05T10:02:00+05:30' },
    });
    // 3 x 250005 = 750015, / 3 = 250005
    expect(orderOf(log)).toMatchObject({ status: 'PARTIALLY_FILLED', filledQuantity: 3, remainingQuantity: 7, filledValuePaise: 750015, averageFillPricePaise: 250005 });
  });

  it('puts an accepted stop order in TRIGGER_PENDING and opens it on trigger', () => {
    const log = new TestLog();
    log.append('order-o2', {
      type: 'OrderPlaced',
      data: placedData({ orderId: 'o2', side: 'SELL', orderType: 'SL-M', limitPricePaise: null, triggerPricePaise: 245000 }),
    });
    log.append('order-o2', { type: 'OrderAccepted', data: { orderId: 'o2', accountId: 'a1', reservedPaise: 0 } });
    expect(orderOf(log, 'o2')?.status).toBe('TRIGGER_PENDING');
    log.append('order-o2', { type: 'OrderTriggered', data: { orderId: 'o2', accountId: 'a1', lastPricePaise: 244950, triggeredAt: '2026-01-05T11:00:00+05:30' } });
    expect(orderOf(log, 'o2')).toMatchObject({ status: 'OPEN', triggeredAt: '2026-01-05T11:00:00+05:30', lastEventPosition: 3 });
  });

  it('records a risk rejection with its reason code', () => {
    const log = new TestLog();
    log.append('order-o1', { type: 'OrderPlaced', data: placedData() });
    log.append('order-o1', { type: 'OrderRejected', data: { orderId: 'o1', accountId: 'a1', reasonCode: 'INSUFFICIENT_FUNDS', reason: 'needs 25000.00, has 100.00' } });
    expect(orderOf(log)).toMatchObject({
      status: 'REJECTED',
      remainingQuantity: 0,
      rejectReasonCode: 'INSUFFICIENT_FUNDS',
      rejectReason: 'needs 25000.00, has 100.00',
    });
  });

  it('applies a modification to quantity and prices, then a cancellation of the unfilled rest', () => {
    const log = new TestLog();
    log.append('order-o1', { type: 'OrderPlaced', data: placedData() });
    log.append('order-o1', { type: 'OrderAccepted', data: { orderId: 'o1', accountId: 'a1', reservedPaise: 2500000 } });
    log.append('order-o1', {
      type: 'OrderPartiallyFilled',
      data: { orderId: 'o1', accountId: 'a1', fillId: 'f1', quantity: 5, pricePaise: 250000, feesPaise: 0, filledQuantity: 5, remainingQuantity: 5, occurredAt: '2026-01-05T10:01:00+05:30' },
    });
    log.append('order-o1', { type: 'OrderModified', data: { orderId: 'o1', accountId: 'a1', quantity: 20, limitPricePaise: 249000, triggerPricePaise: null, reservedPaise: 3735000 } });
    // 20 ordered - 5 filled = 15 still to fill
    expect(orderOf(log)).toMatchObject({ quantity: 20, remainingQuantity: 15, limitPricePaise: 249000, reservedPaise: 3735000, status: 'PARTIALLY_FILLED' });
    log.append('order-o1', { type: 'OrderCancelled', data: { orderId: 'o1', accountId: 'a1', reason: 'user request', cancelledQuantity: 15 } });
    expect(orderOf(log)).toMatchObject({ status: 'CANCELLED', remainingQuantity: 0, unfilledQuantity: 15, closeReason: 'user request', filledQuantity: 5 });
  });

  it('expires an IOC rest', () => {
    const log = new TestLog();
    log.append('order-o1', { type: 'OrderPlaced', data: placedData({ validity: 'IOC' }) });
    log.append('order-o1', { type: 'OrderAccepted', data: { orderId: 'o1', accountId: 'a1', reservedPaise: 2500000 } });
    log.append('order-o1', { type: 'OrderExpired', data: { orderId: 'o1', accountId: 'a1', reason: 'IOC rest', expiredQuantity: 10 } });
    expect(orderOf(log)).toMatchObject({ status: 'EXPIRED', remainingQuantity: 0, unfilledQuantity: 10, closeReason: 'IOC rest' });
  });

  it('keys each order event by orderId and ignores other events', () => {
    const log = new TestLog();
    const placed = log.append('order-o9', { type: 'OrderPlaced', data: placedData({ orderId: 'o9' }) });
    const other = log.append('account-a1', { type: 'FundsDeposited', data: { accountId: 'a1', amountPaise: 1 } });
    expect(ordersProjection.keys(placed)).toEqual([{ collection: 'orders', id: 'o9' }]);
    expect(ordersProjection.keys(other)).toEqual([]);
  });

  it('returns the same document when an event is applied again (replay is a no-op)', () => {
    const log = new TestLog();
    log.append('order-o1', { type: 'OrderPlaced', data: placedData() });
    const accepted = log.append('order-o1', { type: 'OrderAccepted', data: { orderId: 'o1', accountId: 'a1', reservedPaise: 2500000 } });
    const fill = log.append('order-o1', {
      type: 'OrderPartiallyFilled',
      data: { orderId: 'o1', accountId: 'a1', fillId: 'f1', quantity: 5, pricePaise: 250000, feesPaise: 0, filledQuantity: 5, remainingQuantity: 5, occurredAt: '2026-01-05T10:01:00+05:30' },
    });
    const doc = orderOf(log)!;
    const ref = { collection: 'orders', id: 'o1' };
    expect(ordersProjection.apply(ref, doc, fill)).toBe(doc);
    expect(ordersProjection.apply(ref, doc, accepted)).toBe(doc);
    expect(doc.fills).toHaveLength(1);
  });

  it('keeps the account of OrderPlaced, the same when rebuilt from the log as when built event by event', () => {
    const log = new TestLog();
    log.append('order-o1', { type: 'OrderPlaced', data: placedData() });
    log.append('order-o1', { type: 'OrderAccepted', data: { orderId: 'o1', accountId: 'a1', reservedPaise: 2500000 } });
    log.append('order-o1', {
      type: 'OrderPartiallyFilled',
      data: { orderId: 'o1', accountId: 'a1', fillId: 'f1', quantity: 4, pricePaise: 250000, feesPaise: 0, filledQuantity: 4, remainingQuantity: 6, occurredAt: '2026-01-05T10:01:00+05:30' },
    });
    log.append('order-o1', { type: 'OrderCancelled', data: { orderId: 'o1', accountId: 'a1', reason: 'user request', cancelledQuantity: 6 } });
    const rebuilt = projectAll(ordersProjection, log.events);
    // live: the first two events in one run, the rest later on top of the stored documents
    const live = projectAll(ordersProjection, log.events.slice(2), projectAll(ordersProjection, log.events.slice(0, 2)));
    expect(live).toEqual(rebuilt);
    expect(rebuilt.get('orders')?.get('o1')).toMatchObject({ accountId: 'a1', status: 'CANCELLED', filledQuantity: 4, unfilledQuantity: 6, lastEventPosition: 4 });
  });

  it('ignores a later event that names another account, and applies one recorded before events carried the account', () => {
    const log = new TestLog();
    log.append('order-o1', { type: 'OrderPlaced', data: placedData() });
    log.append('order-o1', { type: 'OrderAccepted', data: { orderId: 'o1', accountId: 'a1', reservedPaise: 2500000 } });
    // a damaged log: a fill that claims account a2 for a1's order
    log.append('order-o1', {
      type: 'OrderPartiallyFilled',
      data: { orderId: 'o1', accountId: 'a2', fillId: 'f1', quantity: 4, pricePaise: 250000, feesPaise: 0, filledQuantity: 4, remainingQuantity: 6, occurredAt: '2026-01-05T10:01:00+05:30' },
    });
    expect(orderOf(log)).toMatchObject({ accountId: 'a1', status: 'OPEN', filledQuantity: 0, fills: [], lastEventPosition: 2 });
    // an older event without accountId
    log.append('order-o1', { type: 'OrderCancelled', data: { orderId: 'o1', reason: 'user request', cancelledQuantity: 10 } });
    expect(orderOf(log)).toMatchObject({ accountId: 'a1', status: 'CANCELLED', unfilledQuantity: 10, lastEventPosition: 4 });
  });

  it('ignores events of an order that was never placed instead of inventing a document', () => {
    const log = new TestLog();
    const accepted = log.append('order-ghost', { type: 'OrderAccepted', data: { orderId: 'ghost', reservedPaise: 1 } });
    expect(ordersProjection.apply({ collection: 'orders', id: 'ghost' }, null, accepted)).toBeNull();
  });
});
