import type { EventEnvelope } from '@robo/event-store';
import type { Doc, Projection } from '../projection';
import type { DocRef } from '../read-model-store.port';
import { alreadyApplied, isPositionEvent, POSITION_EVENT_TYPES, positionOf } from './events';

export const LAST_PRICES_COLLECTION = 'last_prices';

/** The last traded price of an instrument: the fill with the latest business time (ties: the later event). */
export type LastPriceDoc = {
  instrument: string;
  pricePaise: number;
  /** Business time of the fill that set the price. */
  occurredAt: string;
  /** Global position of the event that set the price. */
  pricePosition: number;
  lastEventPosition: number;
};

/**
 * Business times may carry different offsets (+05:30 or Z), so they are compared as instants, not as text.
 * A fill reported late with an earlier business time does not replace a newer price.
 */
function isNewer(occurredAt: string, position: number, doc: LastPriceDoc): boolean {
  const candidate = Date.parse(occurredAt);
  const current = Date.parse(doc.occurredAt);
  if (Number.isNaN(current)) return true;
  if (Number.isNaN(candidate)) return false;
  return candidate > current || (candidate === current && position > doc.pricePosition);
}

/** Fills are the only prices the system sees: every position event carries one. */
export const pricesProjection: Projection = {
  name: 'prices',
  version: 1,
  collections: [{ name: LAST_PRICES_COLLECTION, indexes: [] }],
  eventTypes: POSITION_EVENT_TYPES,

  keys(event: EventEnvelope): DocRef[] {
    return isPositionEvent(event) ? [{ collection: LAST_PRICES_COLLECTION, id: event.data.instrument }] : [];
  },

  apply(_ref: DocRef, doc: Doc | null, event: EventEnvelope): Doc | null {
    if (!isPositionEvent(event)) return doc;
    const current = doc as LastPriceDoc | null;
    if (alreadyApplied(current, event)) return current;
    const position = positionOf(event);
    const { instrument, pricePaise, occurredAt } = event.data;
    if (current === null || isNewer(occurredAt, position, current)) {
      return { instrument, pricePaise, occurredAt, pricePosition: position, lastEventPosition: position } satisfies LastPriceDoc;
    }
    return { ...current, lastEventPosition: position };
  },
};
