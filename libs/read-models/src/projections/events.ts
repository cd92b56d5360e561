import type { AccountEvent, AccountEventType, OrderEvent, OrderEventType, PositionEvent, PositionEventType } from '@robo/domain';
import type { EventEnvelope } from '@robo/event-store';

/** One envelope type per event of a union, so that a switch on `type` narrows `data`. */
export type EnvelopeOf<E extends { type: string; data: unknown }> = E extends unknown ? EventEnvelope<E['type'], E['data']> : never;

export type OrderEnvelope = EnvelopeOf<OrderEvent>;
export type AccountEnvelope = EnvelopeOf<AccountEvent>;
export type PositionEnvelope = EnvelopeOf<PositionEvent>;

// Records keyed by the union make the compiler complain when the domain adds an event type.
const ORDER_TYPES: Record<OrderEventType, true> = {
  OrderPlaced: true,
  OrderAccepted: true,
  OrderRejected: true,
  OrderTriggered: true,
  OrderModified: true,
  OrderPartiallyFilled: true,
  OrderFilled: true,
  OrderCancelled: true,
  OrderExpired: true,
  OrderRouted: true,
  BrokerOrderUpdated: true,
};
const ACCOUNT_TYPES: Record<AccountEventType, true> = {
  AccountOpened: true,
  FundsDeposited: true,
  FundsWithdrawn: true,
  FundsReserved: true,
  ReservationReleased: true,
  CashSettled: true,
  RiskLimitsSet: true,
  TradingHalted: true,
  TradingResumed: true,
  BrokerChosen: true,
};
const POSITION_TYPES: Record<PositionEventType, true> = {
  PositionOpened: true,
  PositionIncreased: true,
  PositionReduced: true,
  PositionClosed: true,
};

export const ORDER_EVENT_TYPES = Object.keys(ORDER_TYPES) as OrderEventType[];
export const ACCOUNT_EVENT_TYPES = Object.keys(ACCOUNT_TYPES) as AccountEventType[];
export const POSITION_EVENT_TYPES = Object.keys(POSITION_TYPES) as PositionEventType[];

export function isOrderEvent(event: EventEnvelope): event is OrderEnvelope {
  return Object.hasOwn(ORDER_TYPES, event.type);
}
export function isAccountEvent(event: EventEnvelope): event is AccountEnvelope {
  return Object.hasOwn(ACCOUNT_TYPES, event.type);
}
export function isPositionEvent(event: EventEnvelope): event is PositionEnvelope {
  return Object.hasOwn(POSITION_TYPES, event.type);
}

/** Documents hold positions as plain numbers (JSON has no bigint); 2^53 events is far away. */
export function positionOf(event: EventEnvelope): number {
  return Number(event.globalPosition);
}

/** True when the document already reflects this event or a later one: replaying it must change nothing. */
export function alreadyApplied(doc: { lastEventPosition: number } | null, event: EventEnvelope): boolean {
  return doc !== null && doc.lastEventPosition >= positionOf(event);
}
