import type { IsoInstant, Paise } from '@robo/domain';

/**
 * The best prices and last trade of one instrument at an instant. For an index (not tradable) bid = ask = last and
 * volume is 0. `volume` is the quantity traded in the interval that ended at `at` (one simulator step), which is
 * what a paper broker may take from for a resting limit order.
 */
export interface Quote {
  symbol: string;
  bidPaise: Paise;
  askPaise: Paise;
  lastPaise: Paise;
  volume: number;
  at: IsoInstant;
}

/** One update of one instrument. */
export type Tick = Quote;

export interface TickStreamOptions {
  /** Ends the iteration (the iterator returns) when aborted. */
  signal?: AbortSignal;
}

/**
 * The market-data port. The simulator is the default adapter; a real feed (an exchange or broker websocket)
 * implements the same three members and replaces it without touching strategies, the broker or the portfolio.
 */
export interface MarketDataFeed {
  /** The latest quote of a symbol (equity, index, or a derivative the feed can price), or null when unknown. */
  quote(symbol: string): Quote | null;
  /**
   * Batches of ticks as they are published, one batch per market update. Consumers pull at their own pace; a slow
   * consumer gets the newest batches (older ones are conflated away: market data is latest-wins).
   */
  ticks(options?: TickStreamOptions): AsyncIterable<Tick[]>;
  /** Calls the listener with each batch, synchronously; returns the unsubscribe function. */
  subscribe(listener: (ticks: readonly Tick[]) => void): () => void;
}

/** Nest injection token for the port (a plain symbol, so this library stays framework-free). */
export const MARKET_DATA_FEED = Symbol('MARKET_DATA_FEED');
