import { isLaterMark, MARKET_PRICES_STREAM, type MarketEvent, type MarketPricesRecordedData } from '@robo/domain';
import type { EventEnvelope } from '@robo/event-store';
import { applyTo, Collection, defineProjection } from '../collection';
import type { Projection } from '../projection';
import type { DocRef } from '../read-model-store.port';
import { alreadyApplied, positionOf } from './events';

export const LAST_PRICES_COLLECTION = new Collection<LastPriceDoc>('last_prices', []);

export const MARKET_EVENT_TYPES: readonly MarketEvent['type'][] = ['MarketPricesRecorded'];

export type MarketEnvelope = EventEnvelope<'MarketPricesRecorded', MarketPricesRecordedData>;

/** Recorded market prices only: from the market-prices stream, with the shape the domain writes. */
export function isMarketPricesEvent(event: EventEnvelope): event is MarketEnvelope {
  if (event.type !== 'MarketPricesRecorded' || event.streamName !== MARKET_PRICES_STREAM) return false;
  const d = event.data as Partial<MarketPricesRecordedData> | null;
  return d !== null && typeof d === 'object' && typeof d.at === 'string' && Array.isArray(d.prices);
}

/** The usable prices of a batch: a malformed entry of an old event is skipped, never thrown on. */
export function pricesOf(event: MarketEnvelope): { instrument: string; pricePaise: number }[] {
  return event.data.prices.filter((p) => p !== null && typeof p === 'object' && typeof p.instrument === 'string' && Number.isSafeInteger(p.pricePaise) && p.pricePaise > 0);
}

/**
 * The market price of an instrument: the latest recorded by the market-data feed (business time; ties: the later
 * event). Fills never set it: another account's trade is not the market.
 */
export type LastPriceDoc = {
  instrument: string;
  pricePaise: number;
  /** Business time of the recorded price. */
  at: string;
  source: string;
  /** Global position of the event that set the price. */
  pricePosition: number;
  lastEventPosition: number;
};

export const pricesProjection: Projection = defineProjection({
  name: 'prices',
  version: 2,
  eventTypes: MARKET_EVENT_TYPES,

  keys(event: EventEnvelope): DocRef[] {
    return isMarketPricesEvent(event) ? pricesOf(event).map((p) => (LAST_PRICES_COLLECTION.ref(p.instrument))) : [];
  },

  appliers: [
    applyTo(LAST_PRICES_COLLECTION, (id, current, event) => {
      if (!isMarketPricesEvent(event)) return current;
      if (alreadyApplied(current, event)) return current;
      const price = pricesOf(event).find((p) => p.instrument === id);
      if (price === undefined) return current;
      const position = positionOf(event);
      if (isLaterMark(event.data.at, position, current === null ? null : { at: current.at, position: current.pricePosition })) {
        return { instrument: price.instrument, pricePaise: price.pricePaise, at: event.data.at, source: String(event.data.source), pricePosition: position, lastEventPosition: position } satisfies LastPriceDoc;
      }
      return { ...current!, lastEventPosition: position };
    }),
  ],
});
