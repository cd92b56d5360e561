import type { OrderEvent } from './order.events';
import {
  ACCOUNT_ID,
  CANCELLED_LIMIT_BUY,
  EXPIRED_LIMIT_BUY,
  FILLED_LIMIT_BUY,
  NOW,
  OPEN_LIMIT_BUY,
  ORDER_ID,
  PARTIAL_LIMIT_BUY,
  REJECTED_LIMIT_BUY,
  SLM_BUY_PENDING,
  accepted,
  fillEvent,
  orderPlaced,
  reportFill,
  spec,
} from './testing/order-fixtures';

describe('ReportFill quantities', () => {
  it('records a partial fill with cumulative and remaining quantities', () => {
    // 0 + 4 = 4 filled, 10 - 4 = 6 open
    spec.given(OPEN_LIMIT_BUY).when(reportFill('f1', 4, 147000, 2000)).then([fillEvent('OrderPartiallyFilled', 'f1', 4, 147000, 4, 6, 2000)]);
  });

  it('completes the order with the last fill', () => {
    // 4 + 6 = 10 filled, 0 open
    spec.given(PARTIAL_LIMIT_BUY).when(reportFill('f2', 6, 146500, 3000)).then([fillEvent('OrderFilled', 'f2', 6, 146500, 10, 0, 3000)]);
  });

  it('accumulates fill value and fees in the state', () => {
    const history: OrderEvent[] = [...OPEN_LIMIT_BUY, fillEvent('OrderPartiallyFilled', 'f1', 4, 147000, 4, 6, 2000)];
    spec
      .given(history)
      .when(reportFill('f2', 6, 146500, 3000))
      .thenState((s) =>
        expect(s).toMatchObject({
          status: 'FILLED',
          filledQuantity: 10,
          fillIds: ['f1', 'f2'],
          // 4 x 147,000 + 6 x 146,500 = 588,000 + 879,000 = 1,467,000
          filledValuePaise: 1_467_000,
          // 2,000 + 3,000
          feesPaise: 5000,
        }),
      );
  });

  it('fills a whole order at once', () => {
    spec.given(OPEN_LIMIT_BUY).when(reportFill('f1', 10, 147000)).then([fillEvent('OrderFilled', 'f1', 10, 147000, 10, 0)]);
  });

  it('copies the order instrument, side, product and strategy into the fill, so consumers attribute it without a lookup', () => {
    const strategySell = [orderPlaced({ instrument: 'INFY', side: 'SELL', product: 'CNC', strategyId: 'momentum-1', limitPricePaise: 150000 }), accepted(0)];
    spec
      .given(strategySell)
      .when(reportFill('f1', 3, 150500, 700))
      .then([
        {
          type: 'OrderPartiallyFilled',
          data: {
            orderId: ORDER_ID,
            accountId: ACCOUNT_ID,
            instrument: 'INFY',
            side: 'SELL',
            product: 'CNC',
            strategyId: 'momentum-1',
            fillId: 'f1',
            quantity: 3,
            pricePaise: 150500,
            feesPaise: 700,
            filledQuantity: 3,
            remainingQuantity: 7,
            occurredAt: NOW,
          },
        },
      ]);
    // An order without a strategy says so explicitly (null, not a missing field).
    spec.given(OPEN_LIMIT_BUY).when(reportFill('f1', 10, 147000)).thenEvents(([e]) => expect(e.data).toMatchObject({ instrument: 'RELIANCE', side: 'BUY', product: 'MIS', strategyId: null }));
  });

  it('takes a fill with zero fees', () => {
    spec.given(OPEN_LIMIT_BUY).when(reportFill('f1', 1, 147000, 0)).thenEvents((events) => expect(events[0].type).toBe('OrderPartiallyFilled'));
  });
});

describe('ReportFill idempotency', () => {
  it('decides nothing for a fill id already recorded', () => {
    spec.given(PARTIAL_LIMIT_BUY).when(reportFill('f1', 4, 147000)).thenNothing();
  });

  it('decides nothing for a redelivered last fill, even though the order is filled', () => {
    spec.given(FILLED_LIMIT_BUY).when(reportFill('f2', 6, 146500)).thenNothing();
  });
});

describe('ReportFill never overfills', () => {
  it('refuses a fill above the order quantity', () => {
    spec.given(OPEN_LIMIT_BUY).when(reportFill('f1', 11, 147000)).thenThrows('FILL_EXCEEDS_QUANTITY');
  });

  it('refuses a fill above what is still open', () => {
    // 10 - 4 = 6 open; 7 is too many
    const error = spec.given(PARTIAL_LIMIT_BUY).when(reportFill('f2', 7, 147000)).thenThrows('FILL_EXCEEDS_QUANTITY');
    expect(error.kind).toBe('rule');
    expect(error.details).toEqual({ orderId: ORDER_ID, fillQuantity: 7, remainingQuantity: 6 });
  });

  it('refuses any new fill on a filled order', () => {
    spec.given(FILLED_LIMIT_BUY).when(reportFill('f3', 1, 147000)).thenThrows('ORDER_ALREADY_FILLED');
  });
});

describe('ReportFill status guards', () => {
  it('needs an order', () => {
    const error = spec.given([]).when(reportFill('f1', 1, 147000)).thenThrows('ORDER_NOT_FOUND');
    expect(error.kind).toBe('not_found');
  });

  it.each([
    ['cancelled', CANCELLED_LIMIT_BUY, 'ORDER_NOT_OPEN'],
    ['expired', EXPIRED_LIMIT_BUY, 'ORDER_NOT_OPEN'],
    ['rejected', REJECTED_LIMIT_BUY, 'ORDER_NOT_OPEN'],
    ['placed without a risk decision', [orderPlaced()], 'ORDER_NOT_OPEN'],
    ['waiting for its trigger', SLM_BUY_PENDING, 'ORDER_NOT_TRIGGERED'],
  ])('refuses a fill on an order %s', (_label, history, code) => {
    spec.given(history).when(reportFill('f9', 1, 147000)).thenThrows(code);
  });
});

describe('ReportFill input', () => {
  it.each([
    ['QUANTITY_INVALID', reportFill('f1', 0, 147000)],
    ['QUANTITY_INVALID', reportFill('f1', 1.5, 147000)],
    ['PRICE_INVALID', reportFill('f1', 1, 0)],
    ['PRICE_INVALID', reportFill('f1', 1, 146999.5)],
    ['FEES_INVALID', reportFill('f1', 1, 147000, -1)],
    ['FEES_INVALID', reportFill('f1', 1, 147000, 0.5)],
    ['INVALID_TIME', reportFill('f1', 1, 147000, 0, 'soon')],
  ])('%s', (code, command) => {
    const error = spec.given(OPEN_LIMIT_BUY).when(command).thenThrows(code);
    expect(error.kind).toBe('invalid');
  });
});

describe('ReportFill respects the limit price', () => {
  it('never buys above the limit', () => {
    spec.given(OPEN_LIMIT_BUY).when(reportFill('f1', 1, 147005)).thenThrows('FILL_PRICE_OUTSIDE_LIMIT');
    spec.given(OPEN_LIMIT_BUY).when(reportFill('f1', 1, 147000)).thenEvents((e) => expect(e).toHaveLength(1));
    spec.given(OPEN_LIMIT_BUY).when(reportFill('f1', 1, 140000)).thenEvents((e) => expect(e).toHaveLength(1));
  });

  it('never sells below the limit', () => {
    const sell = [orderPlaced({ side: 'SELL', limitPricePaise: 150000 }), accepted(0)];
    spec.given(sell).when(reportFill('f1', 1, 149995)).thenThrows('FILL_PRICE_OUTSIDE_LIMIT');
    spec.given(sell).when(reportFill('f1', 1, 150000)).thenEvents((e) => expect(e).toHaveLength(1));
    spec.given(sell).when(reportFill('f1', 1, 155000)).thenEvents((e) => expect(e).toHaveLength(1));
  });

  it('applies the limit of a triggered SL order, and none to a MARKET order', () => {
    const sl: OrderEvent[] = [
      orderPlaced({ orderType: 'SL', limitPricePaise: 153000, triggerPricePaise: 152000 }),
      accepted(1_530_000),
      { type: 'OrderTriggered', data: { orderId: ORDER_ID, accountId: ACCOUNT_ID, lastPricePaise: 152000, triggeredAt: NOW } },
    ];
    spec.given(sl).when(reportFill('f1', 1, 153005)).thenThrows('FILL_PRICE_OUTSIDE_LIMIT');
    spec.given(sl).when(reportFill('f1', 1, 153000)).thenEvents((e) => expect(e[0].type).toBe('OrderPartiallyFilled'));
    const market = [orderPlaced({ orderType: 'MARKET', limitPricePaise: null }), accepted(1_500_000)];
    spec.given(market).when(reportFill('f1', 10, 999995)).then([fillEvent('OrderFilled', 'f1', 10, 999995, 10, 0)]);
  });
});

describe('IOC orders', () => {
  const ioc = [orderPlaced({ validity: 'IOC' }), accepted(1_470_000)];

  it('expire their unfilled rest in the same decision', () => {
    // 10 - 4 = 6 expire
    spec
      .given(ioc)
      .when(reportFill('f1', 4, 147000))
      .then([
        fillEvent('OrderPartiallyFilled', 'f1', 4, 147000, 4, 6),
        { type: 'OrderExpired', data: { orderId: ORDER_ID, accountId: ACCOUNT_ID, reason: 'IOC remainder', expiredQuantity: 6 } },
      ]);
    spec.given(ioc).when(reportFill('f1', 4, 147000)).thenState((s) => expect(s).toMatchObject({ status: 'EXPIRED', filledQuantity: 4 }));
  });

  it('fill completely without an expiry', () => {
    spec.given(ioc).when(reportFill('f1', 10, 147000)).then([fillEvent('OrderFilled', 'f1', 10, 147000, 10, 0)]);
  });
});
