import { decideAccount } from '../account/account.decider';
import type { AccountEvent } from '../account/account.events';
import { buyingPower, evolveAccount, realizedOn, type OpenAccountState } from '../account/account.state';
import type { IsoInstant, Paise } from '../common/types';
import type { Instrument } from '../instruments/instrument';
import type { MarketCalendar } from '../market/calendar';
import { istTradingDay } from '../market/ist';
import type { OrderCommand, RiskContext } from './order.commands';
import { decideOrder } from './order.decider';
import type { OrderEvent } from './order.events';
import { initialOrderState } from './order.state';

export type PlaceOrderData = Extract<OrderCommand, { type: 'PlaceOrder' }>['data'];

/** What the pre-trade check reads besides the account: gathered by the caller, so the decision reads nothing. */
export interface OrderMarketFacts {
  now: IsoInstant;
  /** Signed net quantity held in the instrument. */
  positionQuantity: number;
  /** Open quantity of the account's other working buys / sells in the instrument (both >= 0). */
  openBuyQuantity: number;
  openSellQuantity: number;
  /** Last traded price, or the instrument's reference price when nothing traded. */
  referencePricePaise: Paise;
}

export interface BatchOrder {
  request: PlaceOrderData;
  instrument: Instrument;
  market: OrderMarketFacts;
}

export type BatchDecision =
  | { ok: true; events: OrderEvent[]; reserve: AccountEvent[]; reservedPaise: Paise; now: IsoInstant }
  | { ok: false; error: unknown };

/**
 * The risk context of an order of this account: the account's side of it (halt, buying power, limits, the realized
 * P&L recorded on the trading day of `now`) and the market facts. `ownReservationPaise` is added back to the buying
 * power for a modification, whose order already holds it.
 */
export function riskContextFor(account: OpenAccountState, instrument: Instrument, market: OrderMarketFacts, calendar: MarketCalendar, ownReservationPaise = 0): RiskContext {
  return {
    now: market.now,
    instrument,
    calendar,
    account: {
      halted: account.halted,
      buyingPowerPaise: buyingPower(account) + ownReservationPaise,
      maxOrderValuePaise: account.limits.maxOrderValuePaise,
      maxPositionQuantity: account.limits.maxPositionQuantity,
      dailyLossLimitPaise: account.limits.dailyLossLimitPaise,
      realizedTodayPaise: realizedOn(account, istTradingDay(market.now)),
    },
    positionQuantity: market.positionQuantity,
    openBuyQuantity: market.openBuyQuantity,
    openSellQuantity: market.openSellQuantity,
    referencePricePaise: market.referencePricePaise,
  };
}

/**
 * The place-order decision for new orders of one account, in arrival order, as if each had been placed and
 * recorded before the next: every order sees the buying power left by the reservations of the accepted orders
 * before it, and counts them as working orders of their instrument and side. A refused or invalid order changes
 * nothing for the ones after it. Returns, per order, the order events and the account's reservation events, and
 * the account state after all the reservations. A batch of one is the decision of a single order. An order the
 * account already holds a reservation for (an attempt that reserved and stopped before the order was recorded) is
 * decided with that reservation as its own: the reservation events bring it to what the order needs.
 */
export function decidePlaceOrders(
  account: OpenAccountState,
  orders: readonly BatchOrder[],
  calendar: MarketCalendar,
): { decisions: BatchDecision[]; account: OpenAccountState } {
  let state = account;
  const added = new Map<string, { buy: number; sell: number }>();
  const decisions = orders.map(({ request, instrument, market }): BatchDecision => {
    try {
      const extra = added.get(instrument.symbol) ?? { buy: 0, sell: 0 };
      const facts = { ...market, openBuyQuantity: market.openBuyQuantity + extra.buy, openSellQuantity: market.openSellQuantity + extra.sell };
      // An earlier attempt may have reserved for this order and stopped before recording it: that reservation is
      // the order's own (it counts as buying power for it), and only the difference is reserved or given back.
      const held = state.reservations.get(request.orderId) ?? 0;
      const risk = riskContextFor(state, instrument, facts, calendar, held);
      const events = decideOrder({ type: 'PlaceOrder', data: request, risk }, initialOrderState);
      const accepted = events.find((e): e is Extract<OrderEvent, { type: 'OrderAccepted' }> => e.type === 'OrderAccepted');
      const { accountId, orderId } = request;
      const release = (amountPaise: number) => decideAccount({ type: 'ReleaseReservation', data: { accountId, orderId, amountPaise, reason: 'order placed again' } }, state);
      if (!accepted) {
        const reserve = held > 0 ? release(held) : [];
        state = reserve.reduce((s, e) => evolveAccount(s, e) as OpenAccountState, state);
        return { ok: true, events, reserve, reservedPaise: 0, now: risk.now };
      }
      const reservedPaise = accepted.data.reservedPaise;
      const delta = reservedPaise - held;
      const reserve =
        delta > 0 ? decideAccount({ type: 'ReserveFunds', data: { accountId, orderId, amountPaise: delta } }, state) : delta < 0 ? release(-delta) : [];
      state = reserve.reduce((s, e) => evolveAccount(s, e) as OpenAccountState, state);
      added.set(instrument.symbol, request.side === 'BUY' ? { ...extra, buy: extra.buy + request.quantity } : { ...extra, sell: extra.sell + request.quantity });
      return { ok: true, events, reserve, reservedPaise, now: risk.now };
    } catch (error) {
      return { ok: false, error };
    }
  });
  return { decisions, account: state };
}
