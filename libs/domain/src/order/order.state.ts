import { VersionedMap } from '../common/versioned-map';
import { assertNever } from '../common/errors';
import type { IsoInstant, OrderType, Paise, Product, Side, Validity } from '../common/types';
import type { RiskReasonCode } from './order.events';

/**
 * PLACED only exists between OrderPlaced and the risk decision recorded with it. There is no
 * ACCEPTED status: an accepted order is at once OPEN (MARKET, LIMIT) or TRIGGER_PENDING (SL, SL-M).
 */
export type OrderStatus =
  | 'PLACED'
  | 'REJECTED'
  | 'TRIGGER_PENDING'
  | 'OPEN'
  | 'PARTIALLY_FILLED'
  | 'FILLED'
  | 'CANCELLED'
  | 'EXPIRED';

export interface OrderDetails {
  orderId: string;
  accountId: string;
  instrument: string;
  side: Side;
  /** Total ordered quantity (after any modification). */
  quantity: number;
  filledQuantity: number;
  orderType: OrderType;
  limitPricePaise: Paise | null;
  triggerPricePaise: Paise | null;
  product: Product;
  validity: Validity;
  strategyId: string | null;
  clientOrderId: string | null;
  /** Buying power held for the order, as last set by OrderAccepted or OrderModified. */
  reservedPaise: Paise;
  /** The open quantity `reservedPaise` was computed for; fills since then release part of it. */
  reservedForQuantity: number;
  fillIds: string[];
  /** What each fill id reported, so a redelivery is told from a reuse of the id with other data. */
  fillReports: VersionedMap<RecordedFill>;
  /** Sum of quantity x price over fills; the average fill price is derived from it, never stored. */
  filledValuePaise: Paise;
  feesPaise: Paise;
  rejectReason: { code: RiskReasonCode; reason: string } | null;
  placedAt: IsoInstant;
  triggeredAt: IsoInstant | null;
  /** The live broker the order was routed to and what it last reported; null for paper orders. */
  routing?: BrokerRouting | null;
}

export interface BrokerRouting {
  broker: string;
  brokerOrderId: string;
  /** The broker's last reported status and filled quantity (null until it reports). */
  brokerStatus: string | null;
  brokerFilledQuantity: number;
}

export interface RecordedFill {
  quantity: number;
  pricePaise: Paise;
  feesPaise: Paise;
  occurredAt: IsoInstant;
}

export type OrderState = { status: 'NONE' } | ({ status: OrderStatus } & OrderDetails);
export type ExistingOrder = Extract<OrderState, { orderId: string }>;

export const initialOrderState: OrderState = { status: 'NONE' };

/**
 * The statuses of a working order: it can still fill, be cancelled, expire or change. The one list of them (PLACED
 * only exists between OrderPlaced and the risk decision recorded with it, so it is not working).
 */
export const WORKING_STATUSES = ['TRIGGER_PENDING', 'OPEN', 'PARTIALLY_FILLED'] as const satisfies readonly OrderStatus[];
export type WorkingStatus = (typeof WORKING_STATUSES)[number];

export function isWorking(status: OrderState['status']): status is WorkingStatus {
  return (WORKING_STATUSES as readonly string[]).includes(status);
}

/** An accepted stop order (SL, SL-M) waits for its trigger; every other accepted order is open at once. */
export function statusOnAcceptance(orderType: OrderType): 'TRIGGER_PENDING' | 'OPEN' {
  return orderType === 'SL' || orderType === 'SL-M' ? 'TRIGGER_PENDING' : 'OPEN';
}

/**
 * The status a working order takes once a fill brings it to `filledQuantity`: FILLED when nothing is left, else an
 * IOC order's rest expires at once and a DAY order stays PARTIALLY_FILLED. The fill decision's events and the
 * paper broker's book both follow it.
 */
export function statusAfterFill(order: { quantity: number; validity: Validity }, filledQuantity: number): 'FILLED' | 'PARTIALLY_FILLED' | 'EXPIRED' {
  if (filledQuantity >= order.quantity) return 'FILLED';
  return order.validity === 'IOC' ? 'EXPIRED' : 'PARTIALLY_FILLED';
}

/** Final orders accept no fill, cancel or change and hold no reservation. */
export function isFinal(status: OrderState['status']): boolean {
  switch (status) {
    case 'REJECTED':
    case 'FILLED':
    case 'CANCELLED':
    case 'EXPIRED':
      return true;
    case 'NONE':
    case 'PLACED':
    case 'TRIGGER_PENDING':
    case 'OPEN':
    case 'PARTIALLY_FILLED':
      return false;
    default:
      return assertNever(status);
  }
}

/** Quantity that can still fill: 0 for a final order (a cancelled rest will never fill). */
export function remainingQuantity(state: OrderState): number {
  if (state.status === 'NONE' || isFinal(state.status)) return 0;
  return state.quantity - state.filledQuantity;
}

/**
 * The buying power the order should hold now.
 * - BUY: the reservation is quantity x one valuation price, so it shrinks in proportion to the
 *   open quantity (exact: reservedPaise is a multiple of reservedForQuantity).
 * - SELL: only the part that opens a short is reserved, and the covered part fills first, so
 *   the reservation stays whole until the open quantity drops below the reserved short units.
 *   With a limit price that point is known (reservedPaise / limit); MARKET and SL-M sells do not
 *   record their valuation price, so they keep the whole reservation until final (conservative).
 */
export function reservationFor(state: OrderState): Paise {
  if (state.status === 'NONE' || state.status === 'PLACED' || isFinal(state.status)) return 0;
  const open = remainingQuantity(state);
  const { reservedPaise, reservedForQuantity } = state;
  if (reservedPaise === 0 || reservedForQuantity === 0) return 0;
  // ceil only guards hand-made state; from this decider the per-unit price is a whole number
  if (state.side === 'BUY') return Math.ceil((reservedPaise / reservedForQuantity) * open);
  if (state.limitPricePaise !== null) return Math.min(reservedPaise, open * state.limitPricePaise);
  return reservedPaise;
}
