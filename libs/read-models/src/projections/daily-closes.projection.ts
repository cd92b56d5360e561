import type { EventEnvelope } from '@robo/event-store';
import type { Doc, Projection } from '../projection';
import type { DocRef } from '../read-model-store.port';
import { instantMs, istDateOf } from './business-date';
import { alreadyApplied, isPositionEvent, POSITION_EVENT_TYPES, positionOf } from './events';

export const DAILY_CLOSES_COLLECTION = 'daily_closes';

export const dailyCloseId = (instrument: string, date: string): string => `${instrument}|${date}`;

/**
 * The closing price of an instrument on an IST trading day: the last fill of that day by business time (ties: the
 * later event). Fills are the only prices the system sees, as for last_prices; a market-data feed would replace both.
 */
export type DailyCloseDoc = {
  instrument: string;
  /** IST date of the fill's business time. */
  date: string;
  pricePaise: number;
  /** Business time of the fill that set the close. */
  occurredAt: string;
  /** Global position of the event that set the close. */
  pricePosition: number;
  lastEventPosition: number;
};

/** Every position event carries the fill price; a fill that crosses zero gives two events with the same price. */
export const dailyClosesProjection: Projection = {
  name: 'daily-closes',
  version: 1,
  collections: [{ name: DAILY_CLOSES_COLLECTION, indexes: [['instrument', 'date'], ['date']] }],
  eventTypes: POSITION_EVENT_TYPES,

  keys(event: EventEnvelope): DocRef[] {
    if (!isPositionEvent(event)) return [];
    const date = istDateOf(event.data.occurredAt);
    return date === null ? [] : [{ collection: DAILY_CLOSES_COLLECTION, id: dailyCloseId(event.data.instrument, date) }];
  },

  apply(_ref: DocRef, doc: Doc | null, event: EventEnvelope): Doc | null {
    if (!isPositionEvent(event)) return doc;
    const current = doc as DailyCloseDoc | null;
    if (alreadyApplied(current, event)) return current;
    const position = positionOf(event);
    const { instrument, pricePaise, occurredAt } = event.data;
    const date = istDateOf(occurredAt);
    if (date === null) return current;
    // A fill reported late with an earlier time of the same day does not replace the later price.
    const later = current === null || instantMs(occurredAt) > instantMs(current.occurredAt) || (instantMs(occurredAt) === instantMs(current.occurredAt) && position > current.pricePosition);
    if (later) return { instrument, date, pricePaise, occurredAt, pricePosition: position, lastEventPosition: position } satisfies DailyCloseDoc;
    return { ...current, lastEventPosition: position };
  },
};
