import { VersionedMap } from '../common/versioned-map';
import type { OrderEvent } from './order.events';
import { evolveOrder } from './order.evolve';
import { initialOrderState, isFinal, isWorking, remainingQuantity, reservationFor, statusOnAcceptance, WORKING_STATUSES, type OrderState } from './order.state';
import {
  ACCOUNT_ID,
  CANCELLED_LIMIT_BUY,
  FILLED_LIMIT_BUY,
  OPEN_LIMIT_BUY,
  ORDER_ID,
  PARTIAL_LIMIT_BUY,
  REJECTED_LIMIT_BUY,
  accepted,
  fillEvent,
  orderPlaced,
} from './testing/order-fixtures';

const fold = (events: readonly OrderEvent[]): OrderState => events.reduce(evolveOrder, initialOrderState);

describe('isFinal', () => {
  it.each([
    ['NONE', false],
    ['PLACED', false],
    ['TRIGGER_PENDING', false],
    ['OPEN', false],
    ['PARTIALLY_FILLED', false],
    ['REJECTED', true],
    ['FILLED', true],
    ['CANCELLED', true],
    ['EXPIRED', true],
  ] as const)('%s: %s', (status, final) => {
    expect(isFinal(status)).toBe(final);
  });
});

describe('remainingQuantity', () => {
  it('is what can still fill', () => {
    expect(remainingQuantity(initialOrderState)).toBe(0);
    expect(remainingQuantity(fold(OPEN_LIMIT_BUY))).toBe(10);
    expect(remainingQuantity(fold(PARTIAL_LIMIT_BUY))).toBe(6); // 10 - 4
    expect(remainingQuantity(fold(FILLED_LIMIT_BUY))).toBe(0);
    expect(remainingQuantity(fold(CANCELLED_LIMIT_BUY))).toBe(0);
  });
});

describe('reservationFor', () => {
  it('holds the full reservation of an open buy and releases it in proportion to fills', () => {
    expect(reservationFor(fold(OPEN_LIMIT_BUY))).toBe(1_470_000);
    // 1,470,000 / 10 = 147,000 per unit; 6 open => 882,000
    expect(reservationFor(fold(PARTIAL_LIMIT_BUY))).toBe(882_000);
  });

  it('is zero for final, placed-only and missing orders', () => {
    expect(reservationFor(fold(FILLED_LIMIT_BUY))).toBe(0);
    expect(reservationFor(fold(CANCELLED_LIMIT_BUY))).toBe(0);
    expect(reservationFor(fold(REJECTED_LIMIT_BUY))).toBe(0);
    expect(reservationFor(fold([orderPlaced()]))).toBe(0);
    expect(reservationFor(initialOrderState)).toBe(0);
  });

  it('follows a modification: the new reservation covers the open quantity at that time', () => {
    const history: OrderEvent[] = [
      ...PARTIAL_LIMIT_BUY,
      // new total 12, 4 filled => 8 open x 147,000 = 1,176,000
      { type: 'OrderModified', data: { orderId: ORDER_ID, accountId: ACCOUNT_ID, quantity: 12, limitPricePaise: 147000, triggerPricePaise: null, reservedPaise: 1_176_000 } },
    ];
    expect(reservationFor(fold(history))).toBe(1_176_000);
    // then 2 more fill: 8 - 2 = 6 open x 147,000 = 882,000
    expect(reservationFor(fold([...history, fillEvent('OrderPartiallyFilled', 'f9', 2, 147000, 6, 6)]))).toBe(882_000);
  });

  it('keeps a partly short LIMIT sell reserved until the covered part has filled', () => {
    // long 4, SELL 10 at 150,000: 6 short units reserved = 900,000
    const sell: OrderEvent[] = [orderPlaced({ side: 'SELL', limitPricePaise: 150000 }), accepted(900_000)];
    expect(reservationFor(fold(sell))).toBe(900_000);
    // 4 filled (the covered units): 6 open, min(900,000, 6 x 150,000) = 900,000
    const afterCovered = [...sell, fillEvent('OrderPartiallyFilled', 'f1', 4, 150000, 4, 6, 0, { side: 'SELL' })];
    expect(reservationFor(fold(afterCovered))).toBe(900_000);
    // 3 more: 3 open, min(900,000, 3 x 150,000) = 450,000
    expect(reservationFor(fold([...afterCovered, fillEvent('OrderPartiallyFilled', 'f2', 3, 150000, 7, 3, 0, { side: 'SELL' })]))).toBe(450_000);
  });

  it('keeps the whole reservation of a partly filled MARKET sell until it ends (its valuation price is not recorded)', () => {
    const sell: OrderEvent[] = [orderPlaced({ side: 'SELL', orderType: 'MARKET', limitPricePaise: null }), accepted(600_000), fillEvent('OrderPartiallyFilled', 'f1', 8, 150000, 8, 2, 0, { side: 'SELL' })];
    expect(reservationFor(fold(sell))).toBe(600_000);
  });
});

describe('evolveOrder', () => {
  it('builds the full state of a placed and accepted order', () => {
    expect(fold([orderPlaced({ strategyId: 's-1' }), accepted(1_470_000)])).toEqual({
      status: 'OPEN',
      orderId: ORDER_ID,
      accountId: 'acc-1',
      instrument: 'RELIANCE',
      side: 'BUY',
      quantity: 10,
      filledQuantity: 0,
      orderType: 'LIMIT',
      limitPricePaise: 147000,
      triggerPricePaise: null,
      product: 'MIS',
      validity: 'DAY',
      strategyId: 's-1',
      clientOrderId: null,
      reservedPaise: 1_470_000,
      reservedForQuantity: 10,
      fillIds: [],
      fillReports: VersionedMap.empty(),
      filledValuePaise: 0,
      feesPaise: 0,
      rejectReason: null,
      placedAt: '2026-11-20T10:00:00+05:30',
      triggeredAt: null,
    });
  });

  it('ignores events that do not fit (a damaged stream must stay loadable)', () => {
    expect(fold([accepted(5)])).toEqual(initialOrderState);
    const open = fold(OPEN_LIMIT_BUY);
    expect(evolveOrder(open, orderPlaced({ quantity: 99 }))).toBe(open);
  });
});

describe('working statuses (the one list)', () => {
  it('are the statuses in which an order can still fill, change, be cancelled or expire', () => {
    expect(WORKING_STATUSES).toEqual(['TRIGGER_PENDING', 'OPEN', 'PARTIALLY_FILLED']);
    const all = ['NONE', 'PLACED', 'REJECTED', 'TRIGGER_PENDING', 'OPEN', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'EXPIRED'] as const;
    expect(all.filter((s) => isWorking(s))).toEqual(['TRIGGER_PENDING', 'OPEN', 'PARTIALLY_FILLED']);
    // a working order is never final; PLACED and NONE are neither
    expect(all.filter((s) => !isWorking(s) && !isFinal(s))).toEqual(['NONE', 'PLACED']);
  });

  it('start an accepted stop order waiting for its trigger and any other open', () => {
    expect((['MARKET', 'LIMIT', 'SL', 'SL-M'] as const).map(statusOnAcceptance)).toEqual(['OPEN', 'OPEN', 'TRIGGER_PENDING', 'TRIGGER_PENDING']);
  });
});
