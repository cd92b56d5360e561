import {
  AccountEvent,
  decideAccount,
  decideOrder,
  evolveAccount,
  initialOrderState,
  Instrument,
  OpenAccountState,
  OrderEvent,
  RiskContext,
} from '@robo/domain';
import type { PlaceOrderRequest } from './order-commands';
import type { MarketFacts } from './risk-context.factory';

export interface BatchOrder {
  request: PlaceOrderRequest;
  instrument: Instrument;
  market: MarketFacts;
}

export type BatchDecision =
  | { ok: true; events: OrderEvent[]; reserve: AccountEvent[]; reservedPaise: number; now: string }
  | { ok: false; error: unknown };

export type RiskFor = (account: OpenAccountState, instrument: Instrument, market: MarketFacts) => RiskContext;

/**
 * Decides new orders of one account in arrival order, as if each had been placed and recorded before the next:
 * every order sees the buying power left by the reservations of the accepted orders before it, and counts them
 * as working orders of their instrument. A refused or invalid order changes nothing for the ones after it.
 * Also returns the account state after all the reservations.
 */
export function decideBatch(account: OpenAccountState, orders: readonly BatchOrder[], riskFor: RiskFor): { decisions: BatchDecision[]; account: OpenAccountState } {
  let state = account;
  const addedOpen = new Map<string, number>();
  const decisions = orders.map(({ request, instrument, market }): BatchDecision => {
    try {
      const openOrdersQuantity = market.openOrdersQuantity + (addedOpen.get(instrument.symbol) ?? 0);
      const risk = riskFor(state, instrument, { ...market, openOrdersQuantity });
      const events = decideOrder({ type: 'PlaceOrder', data: request, risk }, initialOrderState);
      const accepted = events.find((e): e is Extract<OrderEvent, { type: 'OrderAccepted' }> => e.type === 'OrderAccepted');
      if (!accepted) return { ok: true, events, reserve: [], reservedPaise: 0, now: risk.now };
      const reservedPaise = accepted.data.reservedPaise;
      const reserve =
        reservedPaise > 0
          ? decideAccount({ type: 'ReserveFunds', data: { accountId: request.accountId, orderId: request.orderId, amountPaise: reservedPaise } }, state)
          : [];
      state = reserve.reduce((s, e) => evolveAccount(s, e) as OpenAccountState, state);
      const signed = request.side === 'BUY' ? request.quantity : -request.quantity;
      addedOpen.set(instrument.symbol, openOrdersQuantity - market.openOrdersQuantity + signed);
      return { ok: true, events, reserve, reservedPaise, now: risk.now };
    } catch (error) {
      return { ok: false, error };
    }
  });
  return { decisions, account: state };
}
