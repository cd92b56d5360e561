import { InvalidCommand } from '../common/errors';
import type { IsoInstant, Paise } from '../common/types';
import { parseInstantMs } from './ist';

/**
 * The market prices the system marks positions at, recorded in the log so that every figure built on them
 * (unrealized P&L, equity, day closes, performance curves, as-of portfolios) can be rebuilt from the log alone.
 * The market-data service appends one batch per recording interval of business time to one stream; the event id is
 * derived from the interval, so a restart that records the same interval again appends nothing.
 */
export const MARKET_PRICES_STREAM = 'market-prices';

/** Business time between two recorded batches, at most one batch per interval. */
export const MARKET_PRICE_RECORD_SECONDS = 60;

export interface MarketPrice {
  instrument: string;
  /** The feed's last traded price (a quote's last). */
  pricePaise: Paise;
}

export type MarketPricesRecordedData = {
  /** Business time of the prices (the feed's instant). */
  at: IsoInstant;
  /** Which feed gave them, e.g. `simulated:<seed>`. */
  source: string;
  /** One per instrument, ordered by instrument. */
  prices: MarketPrice[];
};

export type MarketEvent = { type: 'MarketPricesRecorded'; data: MarketPricesRecordedData };
export type MarketEventType = MarketEvent['type'];

/** The recording interval an instant falls in, as the UTC instant it starts at: the seed of the batch's event id. */
export function marketPriceInterval(at: IsoInstant): string {
  const ms = parseInstantMs(at);
  if (ms === null) throw new InvalidCommand('INVALID_INSTANT', `not an instant: ${JSON.stringify(at)}`, { at });
  const width = MARKET_PRICE_RECORD_SECONDS * 1000;
  return new Date(Math.floor(ms / width) * width).toISOString();
}

/**
 * The event that records a batch of the feed's prices. Prices that are not positive safe integers are left out (a
 * feed glitch must not become a mark); one price per instrument (the last given wins); ordered by instrument so the
 * same prices always give the same event. Null when no price is left.
 */
export function recordMarketPrices(at: IsoInstant, source: string, prices: readonly MarketPrice[]): MarketEvent | null {
  if (parseInstantMs(at) === null) throw new InvalidCommand('INVALID_INSTANT', `not an instant: ${JSON.stringify(at)}`, { at });
  const byInstrument = new Map<string, Paise>();
  for (const p of prices) {
    if (typeof p.instrument === 'string' && p.instrument !== '' && Number.isSafeInteger(p.pricePaise) && p.pricePaise > 0) byInstrument.set(p.instrument, p.pricePaise);
  }
  if (byInstrument.size === 0) return null;
  const sorted = [...byInstrument.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([instrument, pricePaise]) => ({ instrument, pricePaise }));
  return { type: 'MarketPricesRecorded', data: { at, source, prices: sorted } };
}

/** A mark: the market price of an instrument and the business time it is from. */
export interface MarketMark {
  pricePaise: Paise;
  at: IsoInstant;
}

/**
 * Whether a price at `candidateAt` (log position `candidatePosition`) replaces the current mark: the later business
 * time wins (instants compared as instants, whatever their offsets), a tie goes to the later event. A price recorded
 * late with an earlier business time does not replace a newer one. One rule for the prices read model, the day
 * closes and the as-of portfolio.
 */
export function isLaterMark(candidateAt: IsoInstant, candidatePosition: bigint | number, current: { at: IsoInstant; position: bigint | number } | null): boolean {
  if (current === null) return true;
  const candidate = parseInstantMs(candidateAt);
  const existing = parseInstantMs(current.at);
  if (existing === null) return candidate !== null;
  if (candidate === null) return false;
  return candidate > existing || (candidate === existing && BigInt(candidatePosition) > BigInt(current.position));
}
