import { assertNever, type OrderStatus, type OrderType, type Product, type RiskReasonCode, type Side, statusOnAcceptance, type Validity } from '@robo/domain';
import type { EventEnvelope } from '@robo/event-store';
import { applyTo, Collection, defineProjection } from '../collection';
import type { Projection } from '../projection';
import type { DocRef } from '../read-model-store.port';
import { alreadyApplied, isOrderEvent, ORDER_EVENT_TYPES, positionOf, type OrderEnvelope } from './events';

export const ORDERS_COLLECTION = new Collection<OrderDoc>('orders', [
  ['accountId', 'seq'],
  ['accountId', 'status', 'seq'],
  ['accountId', 'instrument', 'seq'],
  ['status', 'seq'],
  ['instrument', 'seq'],
  ['strategyId', 'seq'],
  ['seq'],
]);

export type OrderFillDoc = { fillId: string; quantity: number; pricePaise: number; feesPaise: number; occurredAt: string };

export type OrderDoc = {
  orderId: string;
  accountId: string;
  instrument: string;
  side: Side;
  quantity: number;
  filledQuantity: number;
  /** What can still fill: 0 once the order is final (a cancelled rest never fills), as in the domain. */
  remainingQuantity: number;
  orderType: OrderType;
  limitPricePaise: number | null;
  triggerPricePaise: number | null;
  product: Product;
  validity: Validity;
  strategyId: string | null;
  clientOrderId: string | null;
  /** There is no ACCEPTED status: an accepted order is OPEN (MARKET, LIMIT) or TRIGGER_PENDING (SL, SL-M). */
  status: OrderStatus;
  rejectReasonCode: RiskReasonCode | null;
  rejectReason: string | null;
  /** Reason given when the order was cancelled or expired. */
  closeReason: string | null;
  /** Quantity that was still open when the order was cancelled or expired. */
  unfilledQuantity: number;
  /** Buying power held for the order as last set by OrderAccepted or OrderModified (display). */
  reservedPaise: number;
  /** filledValue / filledQuantity: display only, never feeds money. Null before the first fill. */
  averageFillPricePaise: number | null;
  filledValuePaise: number;
  feesPaise: number;
  fills: OrderFillDoc[];
  placedAt: string;
  triggeredAt: string | null;
  /** Business time of the last event applied. */
  updatedAt: string;
  /** Global position of OrderPlaced: a stable newest-first order. */
  seq: number;
  lastEventPosition: number;
};

function placed(event: Extract<OrderEnvelope, { type: 'OrderPlaced' }>): OrderDoc {
  const d = event.data;
  return {
    orderId: d.orderId,
    accountId: d.accountId,
    instrument: d.instrument,
    side: d.side,
    quantity: d.quantity,
    filledQuantity: 0,
    remainingQuantity: d.quantity,
    orderType: d.orderType,
    limitPricePaise: d.limitPricePaise,
    triggerPricePaise: d.triggerPricePaise,
    product: d.product,
    validity: d.validity,
    strategyId: d.strategyId,
    clientOrderId: d.clientOrderId,
    status: 'PLACED',
    rejectReasonCode: null,
    rejectReason: null,
    closeReason: null,
    unfilledQuantity: 0,
    reservedPaise: 0,
    averageFillPricePaise: null,
    filledValuePaise: 0,
    feesPaise: 0,
    fills: [],
    placedAt: d.placedAt,
    triggeredAt: null,
    updatedAt: event.metadata.occurredAt,
    seq: positionOf(event),
    lastEventPosition: positionOf(event),
  };
}

/** The order's next document; the caller stamps updatedAt and lastEventPosition. */
function evolve(doc: OrderDoc, event: OrderEnvelope): OrderDoc {
  switch (event.type) {
    case 'OrderPlaced':
      return doc;
    case 'OrderAccepted':
      return { ...doc, status: statusOnAcceptance(doc.orderType), reservedPaise: event.data.reservedPaise };
    case 'OrderRejected':
      return { ...doc, status: 'REJECTED', remainingQuantity: 0, rejectReasonCode: event.data.reasonCode, rejectReason: event.data.reason };
    case 'OrderTriggered':
      return { ...doc, status: 'OPEN', triggeredAt: event.data.triggeredAt };
    case 'OrderModified': {
      const d = event.data;
      return {
        ...doc,
        quantity: d.quantity,
        remainingQuantity: d.quantity - doc.filledQuantity,
        limitPricePaise: d.limitPricePaise,
        triggerPricePaise: d.triggerPricePaise,
        reservedPaise: d.reservedPaise,
      };
    }
    case 'OrderPartiallyFilled':
    case 'OrderFilled': {
      const d = event.data;
      const filledValuePaise = doc.filledValuePaise + d.quantity * d.pricePaise;
      return {
        ...doc,
        status: event.type === 'OrderFilled' ? 'FILLED' : 'PARTIALLY_FILLED',
        filledQuantity: d.filledQuantity,
        remainingQuantity: d.remainingQuantity,
        filledValuePaise,
        feesPaise: doc.feesPaise + d.feesPaise,
        averageFillPricePaise: d.filledQuantity > 0 ? filledValuePaise / d.filledQuantity : null,
        fills: [...doc.fills, { fillId: d.fillId, quantity: d.quantity, pricePaise: d.pricePaise, feesPaise: d.feesPaise, occurredAt: d.occurredAt }],
      };
    }
    case 'OrderCancelled':
      return { ...doc, status: 'CANCELLED', remainingQuantity: 0, closeReason: event.data.reason, unfilledQuantity: event.data.cancelledQuantity };
    case 'OrderExpired':
      return { ...doc, status: 'EXPIRED', remainingQuantity: 0, closeReason: event.data.reason, unfilledQuantity: event.data.expiredQuantity };
    case 'OrderRouted':
    case 'BrokerOrderUpdated':
      // The broker's own view (its id, its statuses) is read from the order stream; the order's state is ours.
      return doc;
    default:
      return assertNever(event);
  }
}

/**
 * The account of an order is set once, by OrderPlaced, and never taken from later events: a rebuild from the log
 * gives the same accountId as the live run. Later events carry accountId too, which is only checked here. Events
 * recorded before they carried it have none and are accepted.
 */
function sameAccount(doc: OrderDoc, event: OrderEnvelope): boolean {
  const claimed = (event.data as { accountId?: unknown }).accountId;
  return claimed === undefined || claimed === doc.accountId;
}

/** One document per order, for the orders screen and the open-orders check of pre-trade risk. */
export const ordersProjection: Projection = defineProjection({
  name: 'orders',
  version: 1,
  eventTypes: ORDER_EVENT_TYPES,

  keys(event: EventEnvelope): DocRef[] {
    return isOrderEvent(event) ? [ORDERS_COLLECTION.ref(event.data.orderId)] : [];
  },

  appliers: [
    applyTo(ORDERS_COLLECTION, (_id, current, event) => {
      if (!isOrderEvent(event)) return current;
      if (event.type === 'OrderPlaced') return current ?? placed(event);
      // An event for an order never placed, or one that names another account, cannot come from a sound log; like the
      // domain's evolve, it is ignored rather than thrown, so that one damaged stream does not stop every other order's
      // read model.
      if (current === null || alreadyApplied(current, event) || !sameAccount(current, event)) return current;
      return { ...evolve(current, event), updatedAt: event.metadata.occurredAt, lastEventPosition: positionOf(event) };
    }),
  ],
});
