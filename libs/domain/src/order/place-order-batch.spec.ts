import type { AccountEvent } from '../account/account.events';
import { buyingPower, evolveAccount, initialAccountState, type OpenAccountState } from '../account/account.state';
import { type BatchDecision, type BatchOrder, decidePlaceOrders, type OrderMarketFacts, type PlaceOrderData } from './place-order-batch';
import { calendar, NOW, RELIANCE } from './testing/order-fixtures';

const ACCOUNT = 'acc-1';
const market: OrderMarketFacts = { now: NOW, positionQuantity: 0, openBuyQuantity: 0, openSellQuantity: 0, referencePricePaise: 147_000 };

function account(cashPaise: number, maxPositionQuantity: number | null = null): OpenAccountState {
  const events: AccountEvent[] = [
    { type: 'AccountOpened', data: { accountId: ACCOUNT, name: 'a', initialCashPaise: cashPaise, openedAt: NOW } },
    { type: 'RiskLimitsSet', data: { accountId: ACCOUNT, maxOrderValuePaise: null, maxPositionQuantity, dailyLossLimitPaise: null } },
  ];
  return events.reduce(evolveAccount, initialAccountState) as OpenAccountState;
}

const decideBatch = (state: OpenAccountState, orders: readonly BatchOrder[]) => decidePlaceOrders(state, orders, calendar);

function order(n: number, over: Partial<PlaceOrderData> = {}, facts: OrderMarketFacts = market): BatchOrder {
  const request: PlaceOrderData = {
    orderId: `ord-${n}`,
    accountId: ACCOUNT,
    instrument: 'RELIANCE',
    side: 'BUY',
    quantity: 10,
    orderType: 'LIMIT',
    limitPricePaise: 147_000,
    triggerPricePaise: null,
    product: 'CNC',
    validity: 'DAY',
    strategyId: null,
    clientOrderId: null,
    ...over,
  };
  return { request, instrument: RELIANCE, market: facts };
}

/** 'accepted', 'rejected:<code>' or 'error' per order. */
const outcomes = (decisions: BatchDecision[]) =>
  decisions.map((d) => {
    if (!d.ok) return 'error';
    const rejected = d.events.find((e) => e.type === 'OrderRejected');
    return rejected ? `rejected:${(rejected.data as { reasonCode: string }).reasonCode}` : 'accepted';
  });

describe('decidePlaceOrders (the batch reservation)', () => {
  const [probe] = decideBatch(account(10 ** 12), [order(0)]).decisions;
  const each = probe.ok ? probe.reservedPaise : 0;

  it('lets the reservations of earlier accepted orders consume the buying power of later ones', () => {
    const { decisions, account: after } = decideBatch(account(2 * each + 1), [order(1), order(2), order(3)]);
    expect(each).toBeGreaterThan(0);
    expect(outcomes(decisions)).toEqual(['accepted', 'accepted', 'rejected:INSUFFICIENT_FUNDS']);
    expect(decisions.flatMap((d) => (d.ok ? d.reserve : []))).toEqual([
      { type: 'FundsReserved', data: { accountId: ACCOUNT, orderId: 'ord-1', amountPaise: each } },
      { type: 'FundsReserved', data: { accountId: ACCOUNT, orderId: 'ord-2', amountPaise: each } },
    ]);
    expect(after.reservations.toRecord()).toEqual({ 'ord-1': each, 'ord-2': each });
    expect(buyingPower(after)).toBe(1);
  });

  it('leaves the buying power of a refused or invalid order to the orders after it', () => {
    const { decisions } = decideBatch(account(each + 1), [order(1, { quantity: 20 }), order(2, { quantity: 0 }), order(3)]);
    expect(outcomes(decisions)).toEqual(['rejected:INSUFFICIENT_FUNDS', 'error', 'accepted']);
  });

  it('counts accepted orders as working quantity of their instrument and side', () => {
    const facts = { ...market, openBuyQuantity: 5 };
    const mis = (n: number, side: 'BUY' | 'SELL' = 'BUY') => order(n, { product: 'MIS', side }, facts);
    const { decisions } = decideBatch(account(10 ** 12, 30), [mis(1), mis(2), mis(3), mis(4, 'SELL'), mis(5)]);
    // 5 working + 10 + 10 = 25 long if the buys fill; a third buy would make 35 > 30. A sell does not make room for
    // more buys (it may be cancelled, or fill after them), so the fourth buy is refused too.
    expect(outcomes(decisions)).toEqual(['accepted', 'accepted', 'rejected:POSITION_LIMIT', 'accepted', 'rejected:POSITION_LIMIT']);
  });

  it('lets the sells of one batch share the held long once, and never counts the batch\'s buys as cover', () => {
    const facts = { ...market, positionQuantity: 10 };
    const sell = (n: number) => order(n, { product: 'MIS', side: 'SELL' }, facts);
    const { decisions } = decideBatch(account(10 ** 12), [order(1, { product: 'MIS' }, facts), sell(2), sell(3)]);
    // the buy holds 10 x 147,000; the first sell is covered by the 10 held; the second opens a short of 10
    expect(decisions.map((d) => (d.ok ? d.reservedPaise : -1))).toEqual([1_470_000, 0, 1_470_000]);
  });

  it('decides each order as placing it alone after the accepted ones would', () => {
    const state = account(3 * each + 1);
    const together = decideBatch(state, [order(1), order(2), order(3), order(4)]).decisions;
    let sequential = state;
    let working = 0;
    const alone = [1, 2, 3, 4].map((n) => {
      const [decision] = decideBatch(sequential, [order(n, {}, { ...market, openBuyQuantity: working })]).decisions;
      if (decision.ok && decision.reserve.length > 0) {
        sequential = decision.reserve.reduce((s, e) => evolveAccount(s, e) as OpenAccountState, sequential);
        working += 10;
      }
      return decision;
    });
    expect(together).toEqual(alone);
  });

  it('counts a reservation already held for the order as its own, and reserves or gives back only the difference', () => {
    const held = (amountPaise: number) =>
      evolveAccount(account(each + 1), { type: 'FundsReserved', data: { accountId: ACCOUNT, orderId: 'ord-1', amountPaise } }) as OpenAccountState;
    // The whole amount is held already: nothing more to reserve, although the buying power left is 1 paisa.
    const same = decideBatch(held(each), [order(1)]);
    expect(outcomes(same.decisions)).toEqual(['accepted']);
    expect(same.decisions[0].ok && same.decisions[0].reserve).toEqual([]);
    expect(same.account.reservations.toRecord()).toEqual({ 'ord-1': each });
    // Part of it: the rest is reserved.
    const part = decideBatch(held(each - 100), [order(1)]);
    expect(part.decisions[0].ok && part.decisions[0].reserve).toEqual([{ type: 'FundsReserved', data: { accountId: ACCOUNT, orderId: 'ord-1', amountPaise: 100 } }]);
    expect(part.account.reservations.toRecord()).toEqual({ 'ord-1': each });
    // More than it needs: the excess goes back.
    const more = decideBatch(held(each + 1), [order(1)]);
    expect(more.decisions[0].ok && more.decisions[0].reserve).toEqual([
      { type: 'ReservationReleased', data: { accountId: ACCOUNT, orderId: 'ord-1', amountPaise: 1, reason: 'order placed again' } },
    ]);
    // Refused now: what it held goes back in full.
    const refused = decideBatch(held(each), [order(1, { quantity: 10_000 })]);
    expect(outcomes(refused.decisions)).toEqual(['rejected:INSUFFICIENT_FUNDS']);
    expect(refused.account.reservations.toRecord()).toEqual({});
  });
});
