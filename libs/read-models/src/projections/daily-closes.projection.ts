import { isLaterMark } from '@robo/domain';
import type { EventEnvelope } from '@robo/event-store';
import type { Doc, Projection } from '../projection';
import type { DocRef } from '../read-model-store.port';
import { istDateOf } from './business-date';
import { alreadyApplied, positionOf } from './events';
import { isMarketPricesEvent, MARKET_EVENT_TYPES, pricesOf } from './prices.projection';

export const DAILY_CLOSES_COLLECTION = 'daily_closes';

export const dailyCloseId = (instrument: string, date: string): string => `${instrument}|${date}`;

/**
 * The closing price of an instrument on an IST trading day: the last market price the feed recorded that day (by
 * business time; ties: the later event). Fills never set it: a 5-share ticket at an odd price is not the close.
 */
export type DailyCloseDoc = {
  instrument: string;
  /** IST date of the price's business time. */
  date: string;
  pricePaise: number;
  /** Business time of the recorded price that set the close. */
  at: string;
  /** Global position of the event that set the close. */
  pricePosition: number;
  lastEventPosition: number;
};

/** One document per (instrument, IST date) that the market recorded a price on. */
export const dailyClosesProjection: Projection = {
  name: 'daily-closes',
  version: 2,
  collections: [{ name: DAILY_CLOSES_COLLECTION, indexes: [['instrument', 'date'], ['date']] }],
  eventTypes: MARKET_EVENT_TYPES,

  keys(event: EventEnvelope): DocRef[] {
    if (!isMarketPricesEvent(event)) return [];
    const date = istDateOf(event.data.at);
    return date === null ? [] : pricesOf(event).map((p) => ({ collection: DAILY_CLOSES_COLLECTION, id: dailyCloseId(p.instrument, date) }));
  },

  apply(ref: DocRef, doc: Doc | null, event: EventEnvelope): Doc | null {
    if (!isMarketPricesEvent(event)) return doc;
    const current = doc as DailyCloseDoc | null;
    if (alreadyApplied(current, event)) return current;
    const date = istDateOf(event.data.at);
    const price = pricesOf(event).find((p) => date !== null && dailyCloseId(p.instrument, date) === ref.id);
    if (date === null || price === undefined) return current;
    const position = positionOf(event);
    if (isLaterMark(event.data.at, position, current === null ? null : { at: current.at, position: current.pricePosition })) {
      return { instrument: price.instrument, date, pricePaise: price.pricePaise, at: event.data.at, pricePosition: position, lastEventPosition: position } satisfies DailyCloseDoc;
    }
    return { ...current!, lastEventPosition: position };
  },
};
