import type { OrderEvent } from '@robo/domain';
import type { NewEvent } from '@robo/event-store';
import { v7 as uuidv7 } from 'uuid';

/**
 * A new id as the api issues them (libs/write-path/src/event-ids.ts): time-ordered UUIDv7. The kind of id matters to
 * the figures: random (v4) ids land on a random page of the unique event-id index on every insert.
 */
export function newId(): string {
  return uuidv7();
}

const SYMBOLS = ['RELIANCE', 'TCS', 'INFY', 'HDFCBANK', 'ICICIBANK', 'SBIN', 'ITC', 'LT'];
const BASE_MS = Date.parse('2026-11-20T09:15:00+05:30');

/** Business time n seconds into the 2026-11-20 session, as the api records it (IST offset). */
function sessionInstant(n: number): string {
  const ms = BASE_MS + (n % 22_000) * 1000 + 5.5 * 3600 * 1000;
  return `${new Date(ms).toISOString().slice(0, 19)}+05:30`;
}

/**
 * The events of one order stream as the api writes them (typed against the domain's OrderEvent), for the
 * append workloads: placed, accepted, then partial fills. Each envelope is 450-600 bytes of JSON.
 */
export function orderStreamEvent(orderId: string, accountId: string, revision: number): NewEvent {
  const at = sessionInstant(revision);
  // The last character: the first ones of a time-ordered id are the same for ids made in the same period.
  const instrument = SYMBOLS[orderId.charCodeAt(orderId.length - 1) % SYMBOLS.length];
  let event: OrderEvent;
  if (revision === 0) {
    event = {
      type: 'OrderPlaced',
      data: {
        orderId,
        accountId,
        instrument,
        side: 'BUY',
        quantity: 1_000_000,
        orderType: 'LIMIT',
        limitPricePaise: 250_000,
        triggerPricePaise: null,
        product: 'CNC',
        validity: 'DAY',
        strategyId: null,
        clientOrderId: `bench-${revision}`,
        placedAt: at,
      },
    };
  } else if (revision === 1) {
    event = { type: 'OrderAccepted', data: { orderId, accountId, reservedPaise: 250_000_000_000 } };
  } else {
    const filledQuantity = (revision - 1) * 10;
    event = {
      type: 'OrderPartiallyFilled',
      data: {
        orderId,
        accountId,
        instrument,
        side: 'BUY',
        product: 'CNC',
        strategyId: null,
        fillId: `T-${revision}`,
        quantity: 10,
        pricePaise: 249_950 + (revision % 10) * 5,
        feesPaise: 1_500 + (revision % 7),
        filledQuantity,
        remainingQuantity: 1_000_000 - filledQuantity,
        occurredAt: at,
      },
    };
  }
  return {
    type: event.type,
    data: event.data,
    metadata: { eventId: newId(), correlationId: newId(), causationId: newId(), actor: 'user:bench-trader', occurredAt: at, schemaVersion: 1 },
  };
}

/** Serialised size of an event as stored (type + data + metadata JSON). */
export function storedBytes(event: NewEvent): number {
  return event.type.length + JSON.stringify(event.data).length + JSON.stringify(event.metadata).length;
}
