import { initialAccountState, type AccountState } from '../account/account.state';
import type { ChargeSchedule } from '../charges/charge-schedule';
import { fillChargesPaise, orderChargesPaise } from '../charges/fill-charges';
import { initialPositionState, type PositionState } from '../position/position.state';
import { fundedAccount } from '../testing/fill-context';
import type { OrderCommand } from './order.commands';
import type { OrderEvent } from './order.events';
import {
  ACCOUNT_ID,
  CANCELLED_LIMIT_BUY,
  EXPIRED_LIMIT_BUY,
  FILLED_LIMIT_BUY,
  NOW,
  OPEN_LIMIT_BUY,
  ORDER_ID,
  NIFTY_CE,
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
    expect(spec.given(OPEN_LIMIT_BUY).when(reportFill('f1', 1, 147005)).thenThrows('FILL_PRICE_OUTSIDE_LIMIT').message).toBe('BUY fill at Rs 1,470.05 is outside the limit Rs 1,470.00');
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

describe('ReportFill: a fill id reused with other data', () => {
  // PARTIAL_LIMIT_BUY recorded f1 as 4 @ 147,000 with 0 charges at NOW.
  it.each([
    ['another quantity', reportFill('f1', 5, 147000)],
    ['another price', reportFill('f1', 4, 146995)],
    ['other charges', reportFill('f1', 4, 147000, 10)],
    ['another time', reportFill('f1', 4, 147000, 0, '2026-11-20T10:00:01+05:30')],
  ])('is refused with FILL_ID_REUSED (409): %s', (_label, command) => {
    const error = spec.given(PARTIAL_LIMIT_BUY).when(command).thenThrows('FILL_ID_REUSED');
    expect(error.kind).toBe('conflict');
  });

  it('the same report again decides nothing, whatever offset its time is written in and with charges left out', () => {
    spec.given(PARTIAL_LIMIT_BUY).when(reportFill('f1', 4, 147000, 0, '2026-11-20T04:30:00Z')).thenNothing();
    spec.given(PARTIAL_LIMIT_BUY).when(reportFill('f1', 4, 147000, null)).thenNothing();
  });
});

describe('ReportFill: quantity in whole lots', () => {
  it('refuses a fill of an option that is not a whole number of lots (75 for this NIFTY option)', () => {
    const option = [orderPlaced({ instrument: NIFTY_CE.symbol, quantity: 150, limitPricePaise: 21_300, product: 'NRML' }), accepted(3_195_000)];
    const fill = (quantity: number) => reportFill('f1', quantity, 21_300, 0, NOW, { instrument: NIFTY_CE });
    const error = spec.given(option).when(fill(74)).thenThrows('FILL_NOT_IN_LOTS');
    expect(error.kind).toBe('rule');
    spec.given(option).when(fill(75)).thenEvents(([e]) => expect(e.data).toMatchObject({ quantity: 75, remainingQuantity: 75 }));
  });
});

describe('ReportFill: price on the tick grid', () => {
  it('refuses a price off the instrument tick (5 paise for RELIANCE)', () => {
    const error = spec.given(OPEN_LIMIT_BUY).when(reportFill('f1', 1, 146_998)).thenThrows('FILL_PRICE_NOT_ON_TICK');
    expect(error.kind).toBe('rule');
    expect(error.message).toBe('fill price Rs 1,469.98 is not a multiple of the tick Rs 0.05');
    spec.given(OPEN_LIMIT_BUY).when(reportFill('f1', 1, 146_995)).thenEvents((e) => expect(e).toHaveLength(1));
  });
});

describe('ReportFill: business time', () => {
  // The order was placed at NOW (Friday 2026-11-20 10:00 IST).
  it('refuses a fill dated before its order was placed (FILL_BEFORE_ORDER)', () => {
    spec.given(OPEN_LIMIT_BUY).when(reportFill('f1', 1, 147000, 0, '2026-11-20T09:59:59+05:30', { now: NOW })).thenThrows('FILL_BEFORE_ORDER');
    spec.given(OPEN_LIMIT_BUY).when(reportFill('f1', 1, 147000, 0, '2020-01-01T10:00:00+05:30', { now: NOW })).thenThrows('FILL_BEFORE_ORDER');
    spec.given(OPEN_LIMIT_BUY).when(reportFill('f1', 1, 147000, 0, NOW, { now: NOW })).thenEvents((e) => expect(e).toHaveLength(1));
  });

  it("refuses a fill dated after the clock's now plus the allowed skew (FILL_IN_FUTURE)", () => {
    const skew = { now: NOW, clockSkewMs: 5_000 };
    spec.given(OPEN_LIMIT_BUY).when(reportFill('f1', 1, 147000, 0, '2026-11-20T10:00:05+05:30', skew)).thenEvents((e) => expect(e).toHaveLength(1));
    spec.given(OPEN_LIMIT_BUY).when(reportFill('f1', 1, 147000, 0, '2026-11-20T10:00:06+05:30', skew)).thenThrows('FILL_IN_FUTURE');
    spec.given(OPEN_LIMIT_BUY).when(reportFill('f1', 1, 147000, 0, '2099-11-20T10:00:00+05:30', skew)).thenThrows('FILL_IN_FUTURE');
  });

  it('refuses a fill outside every session of the exchange unless the broker marks it late (FILL_OUTSIDE_SESSION)', () => {
    const placedFriday = [orderPlaced({}, '2026-11-20T15:25:00+05:30'), accepted(1_470_000)];
    const fill = (fillId: string, at: string, late?: boolean): OrderCommand => {
      const command = reportFill(fillId, 1, 147000, 0, at, { now: '2026-11-23T10:00:00+05:30' });
      return command.type === 'ReportFill' && late !== undefined ? { ...command, data: { ...command.data, late } } : command;
    };
    // Sunday 03:00, Friday 15:35 (between the normal market and the closing session), Friday 16:10, a holiday (25 Dec is one in the fixtures' calendar)
    for (const at of ['2026-11-22T03:00:00+05:30', '2026-11-20T15:35:00+05:30', '2026-11-20T16:10:00+05:30']) {
      const error = spec.given(placedFriday).when(fill('f1', at)).thenThrows('FILL_OUTSIDE_SESSION');
      expect(error.kind).toBe('rule');
      spec.given(placedFriday).when(fill('f1', at, true)).thenEvents((e) => expect(e[0].data).toMatchObject({ occurredAt: at }));
    }
    const christmas = [orderPlaced({}, '2026-12-24T15:00:00+05:30'), accepted(1_470_000)];
    const onHoliday = reportFill('f1', 1, 147000, 0, '2026-12-25T11:00:00+05:30', { now: '2026-12-28T10:00:00+05:30' });
    spec.given(christmas).when(onHoliday).thenThrows('FILL_OUTSIDE_SESSION');
    // the closing session (15:40-16:00) and pre-open are sessions
    spec.given(placedFriday).when(fill('f1', '2026-11-20T15:45:00+05:30')).thenEvents((e) => expect(e).toHaveLength(1));
  });
});

describe('ReportFill: decided against the position and the account it will change', () => {
  const MAX = Number.MAX_SAFE_INTEGER;

  it("refuses a fill whose value takes the order's filled value beyond the safe integer range (nothing to append)", () => {
    // SELL 10 LIMIT 0.05 (5 paise), then 10 @ 10^15 paise: 10^16 > 2^53 - 1
    const sell = [orderPlaced({ side: 'SELL', limitPricePaise: 5 }), accepted(50)];
    const error = spec.given(sell).when(reportFill('f1', 10, 1_000_000_000_000_000)).thenThrows('AMOUNT_INVALID');
    expect(error.kind).toBe('invalid');
  });

  it("refuses a fill that would take the account's cash beyond the safe integer range", () => {
    const sell = [orderPlaced({ side: 'SELL', limitPricePaise: 5 }), accepted(0)];
    const rich = fundedAccount(ACCOUNT_ID);
    const richer: AccountState = rich.status === 'OPEN' ? { ...rich, cashPaise: MAX - 100 } : rich;
    // 10 x 147,000 = 1,470,000 more cash than MAX - 100 can hold
    spec.given(sell).when(reportFill('f1', 10, 147000, 0, NOW, { account: richer })).thenThrows('AMOUNT_INVALID');
    spec.given(sell).when(reportFill('f1', 10, 147000, 0, NOW)).thenEvents((e) => expect(e).toHaveLength(1));
  });

  it("refuses a fill that would take the position's realized total beyond the safe integer range", () => {
    // long 10 @ 100,000 paise whose totals are already near the limit; selling 10 @ 147,000 realizes 470,000
    const sell = [orderPlaced({ side: 'SELL', limitPricePaise: 147000 }), accepted(0)];
    const position: PositionState = {
      ...initialPositionState,
      accountId: ACCOUNT_ID,
      instrument: 'RELIANCE',
      cycle: 1,
      quantity: 10,
      costBasisPaise: 1_000_000,
      openedAt: NOW,
      cycleMaxQuantity: 10,
      totalRealizedGrossPaise: MAX - 1_000,
      totalRealizedNetPaise: MAX - 1_000,
    };
    spec.given(sell).when(reportFill('f1', 10, 147000, 0, NOW, { position })).thenThrows('AMOUNT_INVALID');
    spec.given(sell).when(reportFill('f1', 10, 147000, 0, NOW, { position: { ...position, totalRealizedGrossPaise: 0, totalRealizedNetPaise: 0 } })).thenEvents((e) => expect(e).toHaveLength(1));
  });

  it('refuses a fill whose account does not exist (it could never be settled)', () => {
    spec.given(OPEN_LIMIT_BUY).when(reportFill('f1', 1, 147000, 0, NOW, { account: initialAccountState })).thenThrows('ACCOUNT_NOT_FOUND');
  });
});

describe('ReportFill: charges when the report has none', () => {
  // A schedule with round numbers: brokerage 3 bp capped at 20 rupees per executed order, stamp 0.3 bp on intraday buys.
  const schedule: ChargeSchedule = {
    effectiveFrom: '2024-01-01',
    brokerage: { deliveryBp: 0, percentBp: 3, capPaise: 2_000, optionsFlatPaise: 2_000 },
    stt: { deliveryBp: 0, intradaySellBp: 0, futuresSellBp: 0, optionsSellBp: 0 },
    exchange: { equityBp: 0, futuresBp: 0, optionsBp: 0 },
    sebiBp: 0,
    stamp: { deliveryBuyBp: 0, intradayBuyBp: 0.3, futuresBuyBp: 0, optionsBuyBp: 0 },
    gstBp: 0,
    sources: { brokerage: 'test', stt: 'test', exchange: 'test', sebi: 'test', stamp: 'test', gst: 'test' },
  };
  const buy100 = [orderPlaced({ quantity: 100, limitPricePaise: 250000 }), accepted(25_000_000)];
  const noFees = (fillId: string, quantity: number, pricePaise: number) => reportFill(fillId, quantity, pricePaise, null, NOW, { chargeSchedules: [schedule] });

  it("charges each fill what it adds to the charges of the order's cumulative turnover: brokerage once per order", () => {
    // fill 1: turnover 40 x 249,900 = 9,996,000; brokerage min(2,998.8 -> 2,999, 2,000) = 2,000; stamp 299.88 -> 300; total 2,300
    // fill 2: turnover 9,996,000 + 60 x 250,000 = 24,996,000; brokerage 2,000 (cap); stamp 749.88 -> 750; total 2,750; 2,750 - 2,300 = 450
    const first = spec.given(buy100).when(noFees('T-1', 40, 249_900));
    first.thenEvents(([e]) => expect(e.data).toMatchObject({ feesPaise: 2_300 }));
    const afterFirst = [...buy100, fillEvent('OrderPartiallyFilled', 'T-1', 40, 249_900, 40, 60, 2_300)];
    spec.given(afterFirst).when(noFees('T-2', 60, 250_000)).thenEvents(([e]) => expect(e.data).toMatchObject({ feesPaise: 450 }));
    // one execution of the same turnover (100 @ 2,499.60): brokerage 2,000 + stamp 750 = 2,750 = 2,300 + 450
    spec.given(buy100).when(noFees('T-1', 100, 249_960)).thenEvents(([e]) => expect(e.data).toMatchObject({ feesPaise: 2_750 }));
  });

  it("after a broker-reported charge, charges what the schedule adds on top (never below zero)", () => {
    // the broker booked 3,000 on fill 1, above the schedule's 2,300: fill 2 pays max(0, 2,750 - 3,000) = 0
    const afterFirst = [...buy100, fillEvent('OrderPartiallyFilled', 'T-1', 40, 249_900, 40, 60, 3_000)];
    spec.given(afterFirst).when(noFees('T-2', 60, 250_000)).thenEvents(([e]) => expect(e.data).toMatchObject({ feesPaise: 0 }));
  });

  it('fillChargesPaise and orderChargesPaise agree with the same schedule', () => {
    const order = { side: 'BUY' as const, product: 'MIS' as const, filledValuePaise: 9_996_000, feesPaise: 2_300 };
    expect(fillChargesPaise(order, 'EQ', { quantity: 60, pricePaise: 250_000, occurredAt: NOW }, [schedule])).toBe(450);
    expect(orderChargesPaise({ side: 'BUY', product: 'MIS', turnoverPaise: 24_996_000 }, 'EQ', NOW, [schedule])).toBe(2_750);
  });
});
