import type { IsoInstant } from '@robo/domain';
import { TickChannel, type MarketDataFeed, type Quote, type Tick, type TickStreamOptions } from '@robo/market-data';
import type { Tick as KiteTick } from 'kiteconnect';
import { rupeesToPaise } from './kite-params';

export type KiteTickMode = 'ltp' | 'quote' | 'full';

/**
 * Where the feed's ticks come from: the process's one Kite ticker socket (KiteTicker keeps it in module state), which
 * the Kite broker owns. After every (re)connection the feed subscribes again.
 */
export interface KiteTickSource {
  onTicks(listener: (ticks: readonly KiteTick[]) => void): () => void;
  onConnected(listener: (first: boolean) => void): () => void;
  subscribeTicks(mode: KiteTickMode, tokens: readonly number[]): void;
  readonly tickerConnected: boolean;
}

export interface KiteMarketDataFeedOptions {
  /** Kite instrument token of each of our symbols (from the instrument master). */
  tokens: ReadonlyMap<string, number>;
  /** The time of an ltp or quote packet, which carry no exchange timestamp (the app clock). */
  now: () => IsoInstant;
  /** Subscription mode; default full (exchange timestamps and the best bid and ask). */
  mode?: KiteTickMode;
  bufferBatches?: number;
}

/**
 * Kite's price numbers (rupees, divided by 100 from the packet's paise by the official client) back to paise. Equities,
 * indices and NSE derivatives only: currency segments use other divisors and are not mapped.
 */
const paise = rupeesToPaise;

/**
 * One Kite tick as our quote. Full mode gives the best bid and ask from the depth and the exchange timestamp; ltp and
 * quote modes have no depth (bid = ask = last) and no timestamp (the app clock's time). `volume` is what traded since
 * the previous tick of the instrument (Kite's volume is the day's cumulative figure); the first tick seen counts 0.
 */
export function quoteOfKiteTick(symbol: string, tick: KiteTick, previous: { cumulativeVolume: number } | null, now: () => IsoInstant): { quote: Quote; cumulativeVolume: number } {
  const lastPaise = paise(tick.last_price);
  const full = 'depth' in tick ? tick : null;
  const bestBid = full?.depth?.buy.find((d) => d.quantity > 0)?.price;
  const bestAsk = full?.depth?.sell.find((d) => d.quantity > 0)?.price;
  const cumulativeVolume = 'volume_traded' in tick ? tick.volume_traded : (previous?.cumulativeVolume ?? 0);
  const stamp = 'exchange_timestamp' in tick ? tick.exchange_timestamp : null;
  const at = stamp instanceof Date && !Number.isNaN(stamp.getTime()) ? stamp.toISOString() : now();
  return {
    quote: {
      symbol,
      bidPaise: bestBid !== undefined ? paise(bestBid) : lastPaise,
      askPaise: bestAsk !== undefined ? paise(bestAsk) : lastPaise,
      lastPaise,
      volume: previous === null ? 0 : Math.max(0, cumulativeVolume - previous.cumulativeVolume),
      at,
    },
    cumulativeVolume,
  };
}

/**
 * The MarketDataFeed port on Kite's ticker: the quotes of the instruments it watches, as the official KiteTicker
 * decodes them (its `ticks` event). Watching a symbol subscribes its instrument token in full mode; after every
 * (re)connection of the socket every watched token is subscribed again.
 */
export class KiteMarketDataFeed implements MarketDataFeed {
  private readonly channel: TickChannel<Tick[]>;
  private readonly symbols = new Map<number, string>();
  private readonly latest = new Map<string, { quote: Quote; cumulativeVolume: number }>();
  private readonly watched = new Set<number>();
  private readonly offs: (() => void)[] = [];

  constructor(
    private readonly source: KiteTickSource,
    private readonly options: KiteMarketDataFeedOptions,
  ) {
    for (const [symbol, token] of options.tokens) this.symbols.set(token, symbol);
    this.channel = new TickChannel(options.bufferBatches ?? 256);
    this.offs.push(source.onTicks((ticks) => this.onTicks(ticks)));
    this.offs.push(source.onConnected(() => this.resubscribe()));
  }

  /** Subscribes these symbols (those the instrument master knows); returns the ones it does not know. */
  watch(symbols: readonly string[]): string[] {
    const unknown: string[] = [];
    const added: number[] = [];
    for (const symbol of symbols) {
      const token = this.options.tokens.get(symbol);
      if (token === undefined) unknown.push(symbol);
      else if (!this.watched.has(token)) {
        this.watched.add(token);
        added.push(token);
      }
    }
    if (added.length > 0 && this.source.tickerConnected) this.subscribeTokens(added);
    return unknown;
  }

  /** Symbols watched, in token order. */
  watchedSymbols(): string[] {
    return [...this.watched].map((t) => this.symbols.get(t) as string);
  }

  knows(symbol: string): boolean {
    return this.options.tokens.has(symbol);
  }

  quote(symbol: string): Quote | null {
    const known = this.latest.get(symbol);
    return known ? { ...known.quote } : null;
  }

  /** The latest quote of every instrument that has ticked. */
  quotes(): Quote[] {
    return [...this.latest.values()].map((l) => ({ ...l.quote }));
  }

  ticks(options: TickStreamOptions = {}): AsyncIterable<Tick[]> {
    return this.channel.iterate(options.signal);
  }

  subscribe(listener: (ticks: readonly Tick[]) => void): () => void {
    return this.channel.subscribe(listener);
  }

  close(): void {
    for (const off of this.offs.splice(0)) off();
    this.channel.close();
  }

  private resubscribe(): void {
    if (this.watched.size > 0) this.subscribeTokens([...this.watched]);
  }

  private subscribeTokens(tokens: number[]): void {
    this.source.subscribeTicks(this.options.mode ?? 'full', tokens);
  }

  private onTicks(ticks: readonly KiteTick[]): void {
    const batch: Tick[] = [];
    for (const tick of ticks) {
      const symbol = this.symbols.get(tick.instrument_token);
      // Not watched here: another subscriber of the same socket asked for it.
      if (symbol === undefined || !this.watched.has(tick.instrument_token)) continue;
      const next = quoteOfKiteTick(symbol, tick, this.latest.get(symbol) ?? null, this.options.now);
      this.latest.set(symbol, next);
      batch.push(next.quote);
    }
    if (batch.length > 0) this.channel.publish(batch);
  }
}
