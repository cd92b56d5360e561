import { InstrumentCatalog, parseDerivativeSymbol, type IndexData, type IsoInstant } from '@robo/domain';
import { instantMs } from '../calendar/trading-days';
import type { MarketDataFeed, Quote, Tick, TickStreamOptions } from '../market-data.port';
import { optionPremiumPaise, type OptionPricing } from '../options/option-chain';
import { yearsToExpiry } from '../options/expiries';
import { defaultVolatility } from '../simulator/default-instruments';
import type { Simulation } from '../simulator/simulation';
import { roundToTick, touchAround } from '../simulator/tick-grid';
import { TickChannel } from './tick-channel';

export interface SimulatedFeedOptions {
  catalog?: InstrumentCatalog;
  /** Risk-free rate for option and future prices; default 0.065. */
  rate?: number;
  /** Implied volatility per index for option prices; default the simulator's volatility of that index. */
  impliedVolatility?: Readonly<Record<string, number>>;
  /** Quoted spread of options and futures, in ticks; default 2. */
  derivativeSpreadTicks?: number;
  /**
   * Lots of each option or future traded per minute (a flat figure: derivative volume is not simulated), at least
   * one lot per step; default 600 (ten lots a second, modest for at-the-money NIFTY options).
   */
  derivativeLotsPerMinute?: number;
  /** Batches a slow ticks() consumer may fall behind before the oldest are dropped; default 256. */
  bufferBatches?: number;
}

/**
 * The simulator as a MarketDataFeed. Equities and indices come from the simulation; index options and futures are
 * priced on demand from the index's current level: options with Black-Scholes, futures at the cost-of-carry price
 * S e^(rT). Nothing here reads a clock: the owner calls step() on a timer, or advanceTo(now) with the time of the
 * session clock, and every subscriber sees each batch.
 */
export class SimulatedMarketDataFeed implements MarketDataFeed {
  private readonly channel: TickChannel<Tick[]>;
  private readonly catalog: InstrumentCatalog;
  private readonly indices: Map<string, IndexData>;

  constructor(
    readonly simulation: Simulation,
    private readonly options: SimulatedFeedOptions = {},
  ) {
    this.catalog = options.catalog ?? new InstrumentCatalog();
    this.indices = new Map(this.catalog.indices().map((i) => [i.symbol, i]));
    this.channel = new TickChannel(options.bufferBatches ?? 256);
  }

  /** The session clock's time as the simulation sees it (the instant of its last step). */
  now(): IsoInstant {
    return this.simulation.now();
  }

  /** One step of the simulation, published to every subscriber. */
  step(): Tick[] {
    const { ticks } = this.simulation.step();
    this.channel.publish(ticks);
    return ticks;
  }

  /**
   * Steps until the next step would land after `now` (at most maxSteps, so a long pause catches up over several
   * calls instead of blocking); returns how many steps were taken. Outside market hours this takes none.
   */
  advanceTo(now: IsoInstant, maxSteps = 1000): number {
    const target = instantMs(now);
    let taken = 0;
    while (taken < maxSteps && instantMs(this.simulation.nextStepAt()) <= target) {
      this.step();
      taken += 1;
    }
    return taken;
  }

  quote(symbol: string): Quote | null {
    return this.simulation.quote(symbol) ?? this.derivativeQuote(symbol);
  }

  ticks(options: TickStreamOptions = {}): AsyncIterable<Tick[]> {
    return this.channel.iterate(options.signal);
  }

  subscribe(listener: (ticks: readonly Tick[]) => void): () => void {
    return this.channel.subscribe(listener);
  }

  /** Ends every ticks() iteration. */
  close(): void {
    this.channel.close();
  }

  private derivativeQuote(symbol: string): Quote | null {
    const parsed = parseDerivativeSymbol(symbol);
    const instrument = parsed ? this.catalog.get(symbol) : null;
    const index = parsed ? this.indices.get(parsed.underlying) : undefined;
    const underlying = parsed ? this.simulation.quote(parsed.underlying) : null;
    if (!parsed || !instrument || !index || !underlying) return null;
    const at = this.simulation.now();
    const years = yearsToExpiry(at, parsed.expiry);
    if (years === 0) return null; // expired: no market
    const rate = this.options.rate ?? 0.065;
    const tick = instrument.tickSizePaise;
    const lastPaise =
      parsed.kind === 'FUT'
        ? roundToTick(underlying.lastPaise * Math.exp(rate * years), tick)
        : optionPremiumPaise(underlying.lastPaise, parsed.strikePaise, parsed.optionType, years, { volatility: this.impliedVolatility(parsed.underlying), rate }, tick).premiumPaise;
    const lotsPerStep = Math.max(1, Math.floor(((this.options.derivativeLotsPerMinute ?? 600) * this.simulation.config.stepSeconds) / 60));
    // Before the first step nothing has traded yet, as for the simulated equities.
    const volume = this.simulation.steps() === 0 ? 0 : lotsPerStep * instrument.lotSize;
    return { symbol, ...touchAround(lastPaise, this.options.derivativeSpreadTicks ?? 2, tick), lastPaise, volume, at };
  }

  private impliedVolatility(underlying: string): OptionPricing['volatility'] {
    const simulated = this.simulation.config.instruments.find((i) => i.symbol === underlying);
    return this.options.impliedVolatility?.[underlying] ?? simulated?.annualVolatility ?? defaultVolatility(underlying, true);
  }
}
