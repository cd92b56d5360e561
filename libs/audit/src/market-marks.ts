import { isLaterMark, MARKET_PRICES_STREAM, type MarketMark, type MarketPricesRecordedData } from '@robo/domain';
import type { EventEnvelope, EventStore } from '@robo/event-store';
import { eventTime, type TimeAxis } from './time-filter';

/** A recorded market price and the event it came from. */
export interface RecordedMark extends MarketMark {
  globalPosition: number;
}

/** How far back from the instant a price is looked for, in recorded batches (one a minute: about 13 sessions). */
const MAX_BATCHES_BACK = 5000;
const PAGE = 200;

async function eventAt(store: EventStore, revision: bigint): Promise<EventEnvelope | undefined> {
  const [event] = await store.readStream(MARKET_PRICES_STREAM, { fromRevision: revision, maxCount: 1 });
  return event;
}

/**
 * The market price of each instrument as of an instant, from the `market-prices` stream alone: the latest price
 * recorded at or before `asOf` on the chosen axis (business time: the price's own time; recorded time: when the log
 * stored it). The stream is appended in time order, so the last batch at or before the instant is found by binary
 * search over revisions and the batches before it are read backwards until every instrument has a price (bounded:
 * an instrument not recorded in MAX_BATCHES_BACK batches has no mark). Among the batches read the domain's
 * isLaterMark decides, as the prices read model does, so asked at now it gives the live marks.
 */
export async function marksAsOf(store: EventStore, instruments: readonly string[], asOf: string, time: TimeAxis): Promise<Map<string, RecordedMark>> {
  const marks = new Map<string, RecordedMark>();
  const wanted = new Set(instruments);
  const limit = Date.parse(asOf);
  const [last] = await store.readStream(MARKET_PRICES_STREAM, { direction: 'backwards', maxCount: 1 });
  if (wanted.size === 0 || last === undefined || Number.isNaN(limit)) return marks;

  // The last revision whose time is at or before the instant.
  let lo = 0n;
  let hi = last.streamRevision;
  const first = await eventAt(store, 0n);
  if (first === undefined || eventTime(first, time) > limit) return marks;
  while (lo < hi) {
    const mid = (lo + hi + 1n) / 2n;
    const event = await eventAt(store, mid);
    if (event !== undefined && eventTime(event, time) <= limit) lo = mid;
    else hi = mid - 1n;
  }

  const found = new Map<string, { at: string; position: bigint; pricePaise: number }>();
  let from = lo;
  let read = 0;
  while (read < MAX_BATCHES_BACK && found.size < wanted.size) {
    const page = await store.readStream(MARKET_PRICES_STREAM, { direction: 'backwards', fromRevision: from, maxCount: PAGE });
    for (const event of page) {
      if (event.type !== 'MarketPricesRecorded' || eventTime(event, time) > limit) continue;
      const data = event.data as MarketPricesRecordedData;
      for (const price of Array.isArray(data.prices) ? data.prices : []) {
        if (!wanted.has(price.instrument) || !Number.isSafeInteger(price.pricePaise) || price.pricePaise <= 0) continue;
        const current = found.get(price.instrument) ?? null;
        if (isLaterMark(data.at, event.globalPosition, current)) found.set(price.instrument, { at: data.at, position: event.globalPosition, pricePaise: price.pricePaise });
      }
    }
    read += page.length;
    const oldest = page[page.length - 1];
    if (page.length < PAGE || oldest === undefined || oldest.streamRevision === 0n) break;
    from = oldest.streamRevision - 1n;
  }
  for (const [instrument, m] of found) marks.set(instrument, { pricePaise: m.pricePaise, at: m.at, globalPosition: Number(m.position) });
  return marks;
}
