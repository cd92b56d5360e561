import type { OrderCommand } from './order.commands';
import type { OrderEvent } from './order.events';
import {
  ACCOUNT_ID,
  CANCELLED_LIMIT_BUY,
  EXPIRED_LIMIT_BUY,
  FILLED_LIMIT_BUY,
  NIFTY_CE,
  OPEN_LIMIT_BUY,
  ORDER_ID,
  PARTIAL_LIMIT_BUY,
  REJECTED_LIMIT_BUY,
  SLM_BUY_PENDING,
  accepted,
  orderPlaced,
  riskContext,
  spec,
  type RiskOverrides,
} from './testing/order-fixtures';

type Changes = Extract<OrderCommand, { type: 'ModifyOrder' }>['data'];
const modify = (changes: Omit<Changes, 'orderId'>, risk: RiskOverrides = {}): OrderCommand => ({
  type: 'ModifyOrder',
  data: { orderId: ORDER_ID, ...changes },
  risk: riskContext(risk),
});
const modified = (quantity: number, limitPricePaise: number | null, triggerPricePaise: number | null, reservedPaise: number): OrderEvent => ({
  type: 'OrderModified',
  data: { orderId: ORDER_ID, accountId: ACCOUNT_ID, quantity, limitPricePaise, triggerPricePaise, reservedPaise },
});

describe('ModifyOrder accepted', () => {
  it('raises the quantity of an open order and reserves for the new quantity', () => {
    // 15 x 147,000 = 2,205,000
    spec.given(OPEN_LIMIT_BUY).when(modify({ quantity: 15 })).then([modified(15, 147000, null, 2_205_000)]);
  });

  it('changes the limit price, keeping the quantity', () => {
    // 10 x 146,000 = 1,460,000
    spec.given(OPEN_LIMIT_BUY).when(modify({ limitPricePaise: 146000 })).then([modified(10, 146000, null, 1_460_000)]);
  });

  it('reserves only for the open part of a partially filled order', () => {
    // new total 8, 4 filled: 8 - 4 = 4 open x 147,000 = 588,000
    spec.given(PARTIAL_LIMIT_BUY).when(modify({ quantity: 8 })).then([modified(8, 147000, null, 588_000)]);
    spec
      .given(PARTIAL_LIMIT_BUY)
      .when(modify({ quantity: 8 }))
      .thenState((s) => expect(s).toMatchObject({ status: 'PARTIALLY_FILLED', quantity: 8, filledQuantity: 4, reservedPaise: 588_000, reservedForQuantity: 4 }));
  });

  it('moves the trigger of a pending stop', () => {
    // SL-M BUY valued at max(trigger 153,000, reference 150,000) = 153,000; x 10 = 1,530,000
    spec.given(SLM_BUY_PENDING).when(modify({ triggerPricePaise: 153000 })).then([modified(10, null, 153000, 1_530_000)]);
    spec.given(SLM_BUY_PENDING).when(modify({ triggerPricePaise: 153000 })).thenState((s) => expect(s.status).toBe('TRIGGER_PENDING'));
  });

  it('skips the market-phase check (a resting order may be changed on a Saturday)', () => {
    // 12 x 147,000 = 1,764,000
    spec.given(OPEN_LIMIT_BUY).when(modify({ quantity: 12 }, { now: '2026-11-21T10:00:00+05:30' })).then([modified(12, 147000, null, 1_764_000)]);
  });

  it('decides nothing when nothing changes', () => {
    spec.given(OPEN_LIMIT_BUY).when(modify({ quantity: 10, limitPricePaise: 147000 })).thenNothing();
  });
});

describe('ModifyOrder refused by pre-trade checks: order unchanged', () => {
  it.each<[string, Omit<Changes, 'orderId'>, RiskOverrides]>([
    // buying power has this order's 1,470,000 added back by the caller; 15 x 147,000 = 2,205,000 > 2,000,000
    ['INSUFFICIENT_FUNDS', { quantity: 15 }, { account: { buyingPowerPaise: 2_000_000 } }],
    ['PRICE_NOT_ON_TICK', { limitPricePaise: 146002 }, {}],
    ['ORDER_VALUE_LIMIT', { quantity: 20 }, { account: { maxOrderValuePaise: 2_000_000 } }],
    ['POSITION_LIMIT', { quantity: 20 }, { account: { maxPositionQuantity: 15 } }],
    ['TRADING_HALTED', { quantity: 11 }, { account: { halted: true } }],
    ['DAILY_LOSS_LIMIT', { quantity: 11 }, { account: { dailyLossLimitPaise: 1000, realizedTodayPaise: -1000 } }],
    ['MIS_CUTOFF_PASSED', { quantity: 11 }, { now: '2026-11-20T15:20:00+05:30' }],
  ])('%s', (code, changes, risk) => {
    const error = spec.given(OPEN_LIMIT_BUY).when(modify(changes, risk)).thenThrows(code);
    expect(error.kind).toBe('rule');
  });

  it('at the daily loss limit, takes a change to an exit but not one that turns it into a new short', () => {
    const lossHit = { dailyLossLimitPaise: 1000, realizedTodayPaise: -1000 };
    const exit = [orderPlaced({ side: 'SELL', limitPricePaise: 150000 }), accepted(0)];
    // long 10, this order excluded from the context: SELL 10 at 149,000 still takes 10 to 0; covered, nothing reserved
    spec.given(exit).when(modify({ limitPricePaise: 149000 }, { positionQuantity: 10, account: lossHit })).then([modified(10, 149000, null, 0)]);
    // SELL 12: 10 - 12 = -2
    spec.given(exit).when(modify({ quantity: 12 }, { positionQuantity: 10, account: lossHit })).thenThrows('DAILY_LOSS_LIMIT');
  });

  it('checks the lot size of the new open quantity of an option order', () => {
    const option = [orderPlaced({ instrument: NIFTY_CE.symbol, quantity: 75, limitPricePaise: 20000, product: 'NRML' }), accepted(1_500_000)];
    spec.given(option).when(modify({ quantity: 100 }, { instrument: NIFTY_CE })).thenThrows('LOT_SIZE_MISMATCH');
    // 150 x 20,000 = 3,000,000
    spec.given(option).when(modify({ quantity: 150 }, { instrument: NIFTY_CE })).then([modified(150, 20000, null, 3_000_000)]);
  });

  it('refuses a quantity at or below what is already filled', () => {
    spec.given(PARTIAL_LIMIT_BUY).when(modify({ quantity: 4 })).thenThrows('MODIFY_QUANTITY_BELOW_FILLED');
    spec.given(PARTIAL_LIMIT_BUY).when(modify({ quantity: 3 })).thenThrows('MODIFY_QUANTITY_BELOW_FILLED');
  });
});

describe('ModifyOrder malformed', () => {
  it.each<[string, Omit<Changes, 'orderId'>, OrderEvent[]]>([
    ['NOTHING_TO_MODIFY', {}, OPEN_LIMIT_BUY],
    ['QUANTITY_INVALID', { quantity: 0 }, OPEN_LIMIT_BUY],
    ['QUANTITY_INVALID', { quantity: 2.5 }, OPEN_LIMIT_BUY],
    ['LIMIT_PRICE_REQUIRED', { limitPricePaise: null }, OPEN_LIMIT_BUY],
    ['LIMIT_PRICE_NOT_ALLOWED', { limitPricePaise: 150000 }, SLM_BUY_PENDING],
    ['TRIGGER_PRICE_REQUIRED', { triggerPricePaise: null }, SLM_BUY_PENDING],
    ['TRIGGER_PRICE_NOT_ALLOWED', { triggerPricePaise: 150000 }, OPEN_LIMIT_BUY],
    ['PRICE_INVALID', { limitPricePaise: -5 }, OPEN_LIMIT_BUY],
    ['SL_PRICES_INCONSISTENT', { limitPricePaise: 151000 }, [orderPlaced({ orderType: 'SL', limitPricePaise: 153000, triggerPricePaise: 152000 }), accepted(1_530_000)]],
  ])('%s for %j', (code, changes, history) => {
    const error = spec.given(history).when(modify(changes)).thenThrows(code);
    expect(error.kind).toBe('invalid');
  });

  it('refuses a risk context for another instrument', () => {
    spec.given(OPEN_LIMIT_BUY).when(modify({ quantity: 11 }, { instrument: NIFTY_CE })).thenThrows('INSTRUMENT_MISMATCH');
  });
});

describe('ModifyOrder status guards', () => {
  it.each([
    ['filled', FILLED_LIMIT_BUY, 'ORDER_ALREADY_FILLED'],
    ['cancelled', CANCELLED_LIMIT_BUY, 'ORDER_ALREADY_CANCELLED'],
    ['expired', EXPIRED_LIMIT_BUY, 'ORDER_NOT_OPEN'],
    ['rejected', REJECTED_LIMIT_BUY, 'ORDER_NOT_OPEN'],
    ['missing', [], 'ORDER_NOT_FOUND'],
  ] as [string, OrderEvent[], string][])('refuses an order that is %s', (_label, history, code) => {
    spec.given(history).when(modify({ quantity: 11 })).thenThrows(code);
  });
});
