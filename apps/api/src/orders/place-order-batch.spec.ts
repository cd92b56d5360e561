import { AccountEvent, buyingPower, evolveAccount, initialAccountState, OpenAccountState, RiskContext } from '@robo/domain';
import { calendar, NOW, RELIANCE } from '@robo/domain/order/testing/order-fixtures';
import type { PlaceOrderRequest } from './order-commands';
import { BatchDecision, BatchOrder, decideBatch, RiskFor } from './place-order-batch';
import type { MarketFacts } from './risk-context.factory';

const ACCOUNT = 'acc-1';
const market: MarketFacts = { now: NOW, positionQuantity: 0, openOrdersQuantity: 0, referencePricePaise: 147_000 };

function account(cashPaise: number, maxPositionQuantity: number | null = null): OpenAccountState {
  const events: AccountEvent[] = [
    { type: 'AccountOpened', data: { accountId: ACCOUNT, name: 'a', initialCashPaise: cashPaise, openedAt: NOW } },
    { type: 'RiskLimitsSet', data: { accountId: ACCOUNT, maxOrderValuePaise: null, maxPositionQuantity, dailyLossLimitPaise: null } },
  ];
  return events.reduce(evolveAccount, initialAccountState) as OpenAccountState;
}

const riskFor: RiskFor = (state, instrument, facts): RiskContext => ({
  now: facts.now,
  instrument,
  calendar,
  account: {
    halted: state.halted,
    buyingPowerPaise: buyingPower(state),
    maxOrderValuePaise: state.limits.maxOrderValuePaise,
    maxPositionQuantity: state.limits.maxPositionQuantity,
    dailyLossLimitPaise: state.limits.dailyLossLimitPaise,
    realizedTodayPaise: 0,
  },
  positionQuantity: facts.positionQuantity,
  openOrdersQuantity: facts.openOrdersQuantity,
  referencePricePaise: facts.referencePricePaise,
});

function order(n: number, over: Partial<PlaceOrderRequest> = {}, facts: MarketFacts = market): BatchOrder {
  const request: PlaceOrderRequest = {
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

describe('decideBatch', () => {
  const [probe] = decideBatch(account(10 ** 12), [order(0)], riskFor).decisions;
  const each = probe.ok ? probe.reservedPaise : 0;

  it('lets the reservations of earlier accepted orders consume the buying power of later ones', () => {
    const { decisions, account: after } = decideBatch(account(2 * each + 1), [order(1), order(2), order(3)], riskFor);
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
    const { decisions } = decideBatch(account(each + 1), [order(1, { quantity: 20 }), order(2, { quantity: 0 }), order(3)], riskFor);
    expect(outcomes(decisions)).toEqual(['rejected:INSUFFICIENT_FUNDS', 'error', 'accepted']);
  });

  it('counts accepted orders as working quantity of their instrument, sells against buys', () => {
    const facts = { ...market, openOrdersQuantity: 5 };
    const mis = (n: number, side: 'BUY' | 'SELL' = 'BUY') => order(n, { product: 'MIS', side }, facts);
    const { decisions } = decideBatch(account(10 ** 12, 30), [mis(1), mis(2), mis(3), mis(4, 'SELL'), mis(5)], riskFor);
    // 5 working + 10 + 10 = 25; a third buy would make 35 > 30; the sell brings it back to 15, so 25 fits again.
    expect(outcomes(decisions)).toEqual(['accepted', 'accepted', 'rejected:POSITION_LIMIT', 'accepted', 'accepted']);
  });

  it('decides each order as placing it alone after the accepted ones would', () => {
    const state = account(3 * each + 1);
    const together = decideBatch(state, [order(1), order(2), order(3), order(4)], riskFor).decisions;
    let sequential = state;
    let working = 0;
    const alone = [1, 2, 3, 4].map((n) => {
      const [decision] = decideBatch(sequential, [order(n, {}, { ...market, openOrdersQuantity: working })], riskFor).decisions;
      if (decision.ok && decision.reserve.length > 0) {
        sequential = decision.reserve.reduce((s, e) => evolveAccount(s, e) as OpenAccountState, sequential);
        working += 10;
      }
      return decision;
    });
    expect(together).toEqual(alone);
  });
});
