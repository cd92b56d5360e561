import type { RiskReasonCode } from './order.events';
import {
  ACCOUNT_ID,
  NIFTY_CE,
  NOW,
  ORDER_ID,
  OPEN_LIMIT_BUY,
  accepted,
  orderPlaced,
  placeOrder,
  spec,
  type PlaceData,
  type RiskOverrides,
} from './testing/order-fixtures';

describe('PlaceOrder accepted', () => {
  it('records the placement and the acceptance with its reservation', () => {
    // BUY 10 LIMIT 147,000: reserve 10 x 147,000 = 1,470,000
    spec
      .given([])
      .when(placeOrder({ strategyId: 'strat-1', clientOrderId: 'c-1' }))
      .then([orderPlaced({ strategyId: 'strat-1', clientOrderId: 'c-1' }), accepted(1_470_000)]);
  });

  it('writes null for absent optional fields and takes placedAt from the risk context', () => {
    const events = spec.given([]).when(placeOrder({ orderType: 'MARKET', limitPricePaise: undefined, triggerPricePaise: undefined }, { now: '2026-11-20T05:00:00Z' })).then([
      orderPlaced({ orderType: 'MARKET', limitPricePaise: null }, '2026-11-20T05:00:00Z'),
      // 10 x reference 150,000 = 1,500,000
      accepted(1_500_000),
    ]);
    expect(events[0]).toMatchObject({ data: { strategyId: null, clientOrderId: null, limitPricePaise: null, triggerPricePaise: null, accountId: ACCOUNT_ID } });
  });

  it('opens a LIMIT order and leaves a stop order waiting for its trigger', () => {
    spec.given([]).when(placeOrder()).thenState((s) => {
      expect(s).toMatchObject({ status: 'OPEN', reservedPaise: 1_470_000, filledQuantity: 0, fillIds: [], placedAt: NOW });
    });
    spec
      .given([])
      .when(placeOrder({ orderType: 'SL', limitPricePaise: 153000, triggerPricePaise: 152000 }))
      .thenState((s) => expect(s).toMatchObject({ status: 'TRIGGER_PENDING', reservedPaise: 1_530_000 }));
    spec
      .given([])
      .when(placeOrder({ orderType: 'SL-M', limitPricePaise: null, triggerPricePaise: 152000 }))
      .thenState((s) => expect(s).toMatchObject({ status: 'TRIGGER_PENDING', reservedPaise: 1_520_000 }));
  });

  it('accepts an option order in whole lots on NRML', () => {
    // 150 (2 lots of 75) x 20,000 = 3,000,000
    spec
      .given([])
      .when(placeOrder({ instrument: NIFTY_CE.symbol, quantity: 150, limitPricePaise: 20000, product: 'NRML' }, { instrument: NIFTY_CE }))
      .then([orderPlaced({ instrument: NIFTY_CE.symbol, quantity: 150, limitPricePaise: 20000, product: 'NRML' }), accepted(3_000_000)]);
  });
});

describe('PlaceOrder at the daily loss limit', () => {
  const lossHit = { dailyLossLimitPaise: 100_000, realizedTodayPaise: -100_000 };

  it('accepts an order that closes the losing position', () => {
    // long 10, SELL 10 LIMIT 147,000: 10 - 10 = 0; covered by the long, so nothing is reserved
    const exit = { side: 'SELL' as const };
    spec.given([]).when(placeOrder(exit, { positionQuantity: 10, account: lossHit })).then([orderPlaced(exit), accepted(0)]);
  });

  it('rejects one that adds to it, and one that sells past flat', () => {
    const rejectedWith = (code: RiskReasonCode) => (events: { type: string; data: object }[]) =>
      expect(events[1]).toMatchObject({ type: 'OrderRejected', data: { accountId: ACCOUNT_ID, reasonCode: code } });
    // long 10, BUY 10: 20
    spec.given([]).when(placeOrder({}, { positionQuantity: 10, account: lossHit })).thenEvents(rejectedWith('DAILY_LOSS_LIMIT'));
    // long 10, SELL 15: -5
    spec.given([]).when(placeOrder({ side: 'SELL', quantity: 15 }, { positionQuantity: 10, account: lossHit })).thenEvents(rejectedWith('DAILY_LOSS_LIMIT'));
  });
});

describe('PlaceOrder rejected by risk: recorded, not thrown', () => {
  const cases: [RiskReasonCode, Partial<PlaceData>, RiskOverrides][] = [
    ['TRADING_HALTED', {}, { account: { halted: true } }],
    ['MARKET_CLOSED_WEEKEND', {}, { now: '2026-11-21T10:00:00+05:30' }],
    ['MARKET_CLOSED_HOLIDAY', {}, { now: '2026-12-25T10:00:00+05:30' }],
    ['MARKET_CLOSED', {}, { now: '2026-11-20T16:30:00+05:30' }],
    ['INSTRUMENT_EXPIRED', { instrument: NIFTY_CE.symbol, quantity: 75, product: 'NRML' }, { instrument: { ...NIFTY_CE, expiry: '2026-11-19' } }],
    ['PRODUCT_NOT_ALLOWED', { product: 'NRML' }, {}],
    ['MIS_CUTOFF_PASSED', {}, { now: '2026-11-20T15:21:00+05:30' }],
    ['LOT_SIZE_MISMATCH', { instrument: NIFTY_CE.symbol, quantity: 10, product: 'NRML' }, { instrument: NIFTY_CE }],
    ['PRICE_NOT_ON_TICK', { limitPricePaise: 147001 }, {}],
    ['ORDER_VALUE_LIMIT', {}, { account: { maxOrderValuePaise: 1_000_000 } }],
    ['DAILY_LOSS_LIMIT', {}, { account: { dailyLossLimitPaise: 100_000, realizedTodayPaise: -100_000 } }],
    ['POSITION_LIMIT', {}, { account: { maxPositionQuantity: 5 } }],
    ['INSUFFICIENT_HOLDINGS', { side: 'SELL', product: 'CNC' }, { positionQuantity: 3 }],
    ['INSUFFICIENT_FUNDS', {}, { account: { buyingPowerPaise: 1_000_000 } }],
  ];

  it.each(cases)('%s', (code, order, risk) => {
    spec
      .given([])
      .when(placeOrder(order, risk))
      .then([
        orderPlaced(order, risk.now ?? NOW),
        { type: 'OrderRejected', data: { orderId: ORDER_ID, accountId: ACCOUNT_ID, reasonCode: code, reason: expect.any(String) } },
      ]);
  });

  it('keeps the reason in the state of the rejected order', () => {
    spec
      .given([])
      .when(placeOrder({}, { account: { buyingPowerPaise: 1_000_000 } }))
      .thenState((s) =>
        expect(s).toMatchObject({
          status: 'REJECTED',
          rejectReason: { code: 'INSUFFICIENT_FUNDS', reason: 'needs Rs 14,700.00, buying power is Rs 10,000.00' },
        }),
      );
  });
});

describe('PlaceOrder refused as malformed: nothing recorded', () => {
  it('refuses a second placement on the same stream', () => {
    const error = spec.given(OPEN_LIMIT_BUY).when(placeOrder()).thenThrows('ORDER_ALREADY_EXISTS');
    expect(error.kind).toBe('conflict');
  });

  it.each<[string, Partial<PlaceData>]>([
    ['QUANTITY_INVALID', { quantity: 0 }],
    ['QUANTITY_INVALID', { quantity: -5 }],
    ['QUANTITY_INVALID', { quantity: 1.5 }],
    ['QUANTITY_INVALID', { quantity: Number.NaN }],
    ['QUANTITY_INVALID', { quantity: 2 ** 53 }],
    ['LIMIT_PRICE_REQUIRED', { orderType: 'LIMIT', limitPricePaise: null }],
    ['LIMIT_PRICE_REQUIRED', { orderType: 'SL', limitPricePaise: undefined, triggerPricePaise: 152000 }],
    ['LIMIT_PRICE_NOT_ALLOWED', { orderType: 'MARKET', limitPricePaise: 147000 }],
    ['LIMIT_PRICE_NOT_ALLOWED', { orderType: 'SL-M', limitPricePaise: 147000, triggerPricePaise: 152000 }],
    ['TRIGGER_PRICE_REQUIRED', { orderType: 'SL', limitPricePaise: 153000, triggerPricePaise: null }],
    ['TRIGGER_PRICE_REQUIRED', { orderType: 'SL-M', limitPricePaise: null }],
    ['TRIGGER_PRICE_NOT_ALLOWED', { orderType: 'LIMIT', triggerPricePaise: 152000 }],
    ['TRIGGER_PRICE_NOT_ALLOWED', { orderType: 'MARKET', limitPricePaise: null, triggerPricePaise: 152000 }],
    ['PRICE_INVALID', { limitPricePaise: 0 }],
    ['PRICE_INVALID', { limitPricePaise: -100 }],
    ['PRICE_INVALID', { limitPricePaise: 1470.5 }],
    ['PRICE_INVALID', { orderType: 'SL-M', limitPricePaise: null, triggerPricePaise: 0 }],
    ['SL_PRICES_INCONSISTENT', { orderType: 'SL', side: 'BUY', limitPricePaise: 151995, triggerPricePaise: 152000 }],
    ['SL_PRICES_INCONSISTENT', { orderType: 'SL', side: 'SELL', limitPricePaise: 140005, triggerPricePaise: 140000 }],
    ['INSTRUMENT_MISMATCH', { instrument: 'TCS' }],
  ])('%s for %j', (code, order) => {
    const error = spec.given([]).when(placeOrder(order)).thenThrows(code);
    expect(error.kind).toBe('invalid');
  });

  it('accepts SL limits equal to the trigger on both sides', () => {
    spec
      .given([])
      .when(placeOrder({ orderType: 'SL', side: 'BUY', limitPricePaise: 152000, triggerPricePaise: 152000 }))
      .thenEvents((events) => expect(events.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderAccepted']));
    spec
      .given([])
      .when(placeOrder({ orderType: 'SL', side: 'SELL', limitPricePaise: 140000, triggerPricePaise: 140000 }))
      .thenEvents((events) => expect(events.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderAccepted']));
  });

  it('refuses a malformed time in the risk context', () => {
    spec.given([]).when(placeOrder({}, { now: '2026-11-20 10:00' })).thenThrows('INVALID_TIME');
  });
});
