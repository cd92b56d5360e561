import { isLaterMark } from '@robo/domain';
import type { EventEnvelope } from '@robo/event-store';
import { applyTo, Collection, defineProjection } from '../collection';
import type { Projection } from '../projection';
import type { DocRef } from '../read-model-store.port';
import { istDateOf } from './business-date';
import { alreadyApplied, positionOf } from './events';
import { isMarketPricesEvent, MARKET_EVENT_TYPES, pricesOf } from './prices.projection';

export const DAILY_CLOSES_COLLECTION = new Collection<DailyCloseDoc>('daily_closes', [['instrument', 'date'], ['date']]);

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
export const dailyClosesProjection: Projection = defineProjection({
  name: 'daily-closes',
  version: 2,
  eventTypes: MARKET_EVENT_TYPES,

  keys(event: EventEnvelope): DocRef[] {
    if (!isMarketPricesEvent(event)) return [];
    const date = istDateOf(event.data.at);
    return date === null ? [] : pricesOf(event).map((p) => (DAILY_CLOSES_COLLECTION.ref(dailyCloseId(p.instrument, date))));
  },

  appliers: [
    applyTo(DAILY_CLOSES_COLLECTION, (id, current, event) => {
      if (!isMarketPricesEvent(event)) return current;
      if (alreadyApplied(current, event)) return current;
      const date = istDateOf(event.data.at);
      const price = pricesOf(event).find((p) => date !== null && dailyCloseId(p.instrument, date) === id);
      if (date === null || price === undefined) return current;
      const position = positionOf(event);
      if (isLaterMark(event.data.at, position, current === null ? null : { at: current.at, position: current.pricePosition })) {
        return { instrument: price.instrument, date, pricePaise: price.pricePaise, at: event.data.at, pricePosition: position, lastEventPosition: position } satisfies DailyCloseDoc;
      }
      return { ...current!, lastEventPosition: position };
    }),
  ],
});
