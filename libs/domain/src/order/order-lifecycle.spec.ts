import { fundedAccount } from '../testing/fill-context';
import type { OrderCommand } from './order.commands';
import { orderDecider } from './order.decider';
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
  placeOrder,
  reportFill,
  riskContext,
  spec,
} from './testing/order-fixtures';

const trigger = (lastPricePaise: number, now = NOW): OrderCommand => ({ type: 'TriggerOrder', data: { orderId: ORDER_ID, lastPricePaise, now } });
const cancel: OrderCommand = { type: 'CancelOrder', data: { orderId: ORDER_ID, reason: 'user' } };
const expire: OrderCommand = { type: 'ExpireOrder', data: { orderId: ORDER_ID, reason: 'end of day' } };
const triggered = (lastPricePaise: number): OrderEvent => ({ type: 'OrderTriggered', data: { orderId: ORDER_ID, accountId: ACCOUNT_ID, lastPricePaise, triggeredAt: NOW } });
/** SL-M SELL 10 with trigger 140,000 (a stop-loss under a long). */
const SLM_SELL_PENDING: OrderEvent[] = [orderPlaced({ side: 'SELL', orderType: 'SL-M', limitPricePaise: null, triggerPricePaise: 140000 }), accepted(0)];

describe('TriggerOrder', () => {
  it('fires a BUY stop when the price reaches or passes the trigger from below', () => {
    spec.given(SLM_BUY_PENDING).when(trigger(152000)).then([triggered(152000)]);
    spec.given(SLM_BUY_PENDING).when(trigger(152500)).then([triggered(152500)]);
    spec.given(SLM_BUY_PENDING).when(trigger(151995)).thenThrows('TRIGGER_NOT_REACHED');
  });

  it('fires a SELL stop when the price falls to or through the trigger', () => {
    spec.given(SLM_SELL_PENDING).when(trigger(140000)).then([triggered(140000)]);
    spec.given(SLM_SELL_PENDING).when(trigger(139000)).then([triggered(139000)]);
    spec.given(SLM_SELL_PENDING).when(trigger(140005)).thenThrows('TRIGGER_NOT_REACHED');
  });

  it('opens the order, which can then fill', () => {
    spec.given(SLM_BUY_PENDING).when(trigger(152000)).thenState((s) => expect(s).toMatchObject({ status: 'OPEN', triggeredAt: NOW }));
    spec
      .given([...SLM_BUY_PENDING, triggered(152000)])
      .when(reportFill('f1', 10, 152100))
      .then([fillEvent('OrderFilled', 'f1', 10, 152100, 10, 0)]);
  });

  it.each([
    ['open (not a stop)', OPEN_LIMIT_BUY],
    ['already triggered', [...SLM_BUY_PENDING, triggered(152000)]],
    ['cancelled', [...SLM_BUY_PENDING, { type: 'OrderCancelled', data: { orderId: ORDER_ID, accountId: ACCOUNT_ID, reason: 'user', cancelledQuantity: 10 } }]],
    ['rejected', REJECTED_LIMIT_BUY],
  ] as [string, OrderEvent[]][])('refuses an order that is %s', (_label, history) => {
    spec.given(history).when(trigger(152000)).thenThrows('ORDER_NOT_TRIGGER_PENDING');
  });

  it('needs an existing order, a valid price and time', () => {
    spec.given([]).when(trigger(152000)).thenThrows('ORDER_NOT_FOUND');
    spec.given(SLM_BUY_PENDING).when(trigger(0)).thenThrows('PRICE_INVALID');
    spec.given(SLM_BUY_PENDING).when(trigger(152000, 'later')).thenThrows('INVALID_TIME');
  });
});

describe.each([
  ['CancelOrder', cancel, 'OrderCancelled', 'CANCELLED', 'cancelledQuantity', 'user'],
  ['ExpireOrder', expire, 'OrderExpired', 'EXPIRED', 'expiredQuantity', 'end of day'],
] as const)('%s', (_name, command, eventType, finalStatus, quantityField, reason) => {
  const ended = (quantity: number) => ({ type: eventType, data: { orderId: ORDER_ID, accountId: ACCOUNT_ID, reason, [quantityField]: quantity } }) as OrderEvent;

  it('ends an open order with its whole quantity', () => {
    spec.given(OPEN_LIMIT_BUY).when(command).then([ended(10)]);
    spec.given(OPEN_LIMIT_BUY).when(command).thenState((s) => expect(s.status).toBe(finalStatus));
  });

  it('ends a partially filled order with what is still open', () => {
    // 10 - 4 filled = 6
    spec.given(PARTIAL_LIMIT_BUY).when(command).then([ended(6)]);
  });

  it('ends a stop order waiting for its trigger', () => {
    spec.given(SLM_BUY_PENDING).when(command).then([ended(10)]);
  });

  it.each([
    ['filled', FILLED_LIMIT_BUY, 'ORDER_ALREADY_FILLED'],
    ['cancelled', CANCELLED_LIMIT_BUY, 'ORDER_ALREADY_CANCELLED'],
    ['expired', EXPIRED_LIMIT_BUY, 'ORDER_NOT_OPEN'],
    ['rejected', REJECTED_LIMIT_BUY, 'ORDER_NOT_OPEN'],
    ['placed without a risk decision', [orderPlaced()], 'ORDER_NOT_OPEN'],
    ['missing', [], 'ORDER_NOT_FOUND'],
  ] as [string, OrderEvent[], string][])('refuses an order that is %s', (_label, history, code) => {
    spec.given(history).when(command).thenThrows(code);
  });
});

describe('every order event carries the account', () => {
  // A different account from the fixtures' default, so a hard-coded id could not pass.
  const account = 'acc-77';
  const decideAll = (history: OrderEvent[], commands: OrderCommand[]): OrderEvent[] => {
    const events = [...history];
    for (const command of commands) events.push(...orderDecider.decide(command, events.reduce(orderDecider.evolve, orderDecider.initialState)));
    return events;
  };
  const accountsOf = (events: OrderEvent[]) => events.map((e) => [e.type, e.data.accountId]);

  it('copies accountId from the placement into accept, trigger, modify, fills and the IOC expiry', () => {
    const slBuy = { accountId: account, orderType: 'SL' as const, limitPricePaise: 153000, triggerPricePaise: 152000, validity: 'IOC' as const };
    const events = decideAll(
      [],
      [
        placeOrder(slBuy),
        trigger(152000),
        { type: 'ModifyOrder', data: { orderId: ORDER_ID, quantity: 12 }, risk: riskContext() },
        reportFill('f1', 5, 153000, 0, NOW, { account: fundedAccount(account) }),
      ],
    );
    expect(accountsOf(events)).toEqual([
      ['OrderPlaced', account],
      ['OrderAccepted', account],
      ['OrderTriggered', account],
      ['OrderModified', account],
      ['OrderPartiallyFilled', account],
      ['OrderExpired', account], // IOC: 12 - 5 = 7 expire with the fill
    ]);
  });

  it('on rejection, completion, cancellation and expiry', () => {
    const rejected = decideAll([], [placeOrder({ accountId: account }, { account: { buyingPowerPaise: 0 } })]);
    expect(accountsOf(rejected)).toEqual([
      ['OrderPlaced', account],
      ['OrderRejected', account],
    ]);
    const placed = decideAll([], [placeOrder({ accountId: account })]);
    expect(accountsOf(decideAll(placed, [reportFill('f1', 10, 147000, 0, NOW, { account: fundedAccount(account) })])).slice(2)).toEqual([['OrderFilled', account]]);
    expect(accountsOf(decideAll(placed, [cancel])).slice(2)).toEqual([['OrderCancelled', account]]);
    expect(accountsOf(decideAll(placed, [expire])).slice(2)).toEqual([['OrderExpired', account]]);
  });
});
