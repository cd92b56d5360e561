import * as fs from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InstrumentCatalog, MARKET_PRICES_STREAM, marketPriceInterval, type IstDate, type MarketCalendar, type MarketPrice, type MarketPricesRecordedData } from '@robo/domain';
import { EVENT_STORE, type EventStore } from '@robo/event-store';
import { buildOptionChain, continueSimulation, optionAnalytics, simulatedOpenInterest, type OptionAnalytics, defaultSimInstruments, saveSimulation, type SavedSimulation, defaultVolatility, SimulatedMarketDataFeed, upcomingExpiries, type OptionChain, type Quote, type Tick } from '@robo/market-data';
import { APP_CONFIG, AppConfig, CLOCK, Clock, INSTRUMENTS, MARKET_CALENDAR } from '@robo/runtime';
import { ApiError } from '../common/api-error';
import { WriteStep } from '@robo/write-path';
import { appendMarketPrices } from './market-prices-writer';

const RATE = 0.065;

export type OptionChainSideView = Omit<OptionChain['rows'][number]['call'], 'delta'> &
  OptionAnalytics & { bidPaise: number | null; askPaise: number | null; lastPaise: number; volume: number; openInterest: number };

export type OptionChainView = Omit<OptionChain, 'rows'> & {
  rows: { strikePaise: number; call: OptionChainSideView; put: OptionChainSideView }[];
  expiries: { date: string; kind: string }[];
  model: Record<string, string | number>;
};
/** Derivatives whose prices are recorded besides the simulated equities and indices (a bound on each batch). */
const MAX_WATCHED = 256;

/** Where the simulated market of a seed is saved after every step, so that a restart continues its price path. */
export const marketStateFile = (dataDir: string, seed: string): string => path.join(dataDir, `market-${seed}.json`);

/**
 * Owns the simulated market: a seeded feed (MARKET_SEED) that starts at the app clock's time and steps every
 * MARKET_STEP_SECONDS of trading time. It reads no timer itself: the paper engine moves it (step()), so the same
 * seed and the same clock give the same prices. With paper trading on, its state is saved in DATA_DIR after every
 * step: a restart continues the path from there (brought forward to the clock's time), never from the seed's start
 * again. Swap the feed for a real one behind the MarketDataFeed port.
 *
 * It also records the prices positions are marked at: after a step, one MarketPricesRecorded batch per minute of
 * business time on the `market-prices` stream (the feed's last price of every simulated instrument and of the
 * derivatives watched), with an event id derived from the minute, so a restart that records a minute again appends
 * nothing. Marks, day closes and as-of portfolios read those events, never fills.
 */
@Injectable()
export class MarketDataService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MarketData');
  readonly feed: SimulatedMarketDataFeed;
  private readonly stateFile: string;
  private readonly simulated: ReadonlySet<string>;
  private readonly watched = new Set<string>();
  private lastRecordedInterval: string | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) clock: Clock,
    @Inject(INSTRUMENTS) private readonly catalog: InstrumentCatalog,
    @Inject(MARKET_CALENDAR) private readonly calendar: MarketCalendar,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(WriteStep) private readonly writer: WriteStep,
  ) {
    this.stateFile = marketStateFile(config.dataDir, config.paper.marketSeed);
    const start = clock.now();
    const simConfig = { seed: config.paper.marketSeed, instruments: defaultSimInstruments(catalog), start, stepSeconds: config.paper.marketStepSeconds, calendar };
    const saved = config.paper.enabled ? this.readSaved() : null;
    // An explicit rewind (CLOCK_ALLOW_REWIND with a CLOCK_START before the saved market) starts the seed's path afresh.
    const rewind = saved !== null && config.clockAllowRewind && config.clockStart !== null && Date.parse(start) < saved.snapshot.atMs;
    const simulation = continueSimulation(simConfig, rewind ? null : saved, start);
    if (saved !== null && !rewind) this.logger.log({ at: simulation.now(), savedAt: new Date(saved.snapshot.atMs).toISOString() }, 'simulated market continues from its saved state');
    this.feed = new SimulatedMarketDataFeed(simulation, { catalog, rate: RATE });
    this.simulated = new Set(simulation.config.instruments.map((i) => i.symbol));
  }

  /** After a restart, the derivatives the last recorded batch held are watched again (their positions stay marked). */
  async onApplicationBootstrap(): Promise<void> {
    try {
      const [last] = await this.events.readStream(MARKET_PRICES_STREAM, { direction: 'backwards', maxCount: 1 });
      const prices = (last?.data as Partial<MarketPricesRecordedData> | undefined)?.prices;
      if (Array.isArray(prices)) this.watch(prices.map((p) => p.instrument).filter((i): i is string => typeof i === 'string'));
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read the last recorded market prices; derivatives are watched again when quoted');
    }
  }

  private readSaved(): SavedSimulation | null {
    let text: string;
    try {
      text = fs.readFileSync(this.stateFile, 'utf8');
    } catch {
      return null; // never saved: the seed's path from the clock's start
    }
    try {
      const saved = JSON.parse(text) as SavedSimulation;
      return typeof saved?.snapshot?.atMs === 'number' ? saved : null;
    } catch (error) {
      this.logger.warn({ err: error, file: this.stateFile }, 'the saved market state is unreadable; the seed starts afresh');
      return null;
    }
  }

  /** Written whole to a temporary file then renamed, so a crash leaves the previous state or the new one. */
  private save(): void {
    if (!this.config.paper.enabled) return;
    try {
      const tmp = `${this.stateFile}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(saveSimulation(this.feed.simulation)));
      fs.renameSync(tmp, this.stateFile);
    } catch (error) {
      this.logger.warn({ err: error, file: this.stateFile }, 'could not save the market state');
    }
  }

  onApplicationShutdown(): void {
    this.feed.close();
  }

  /** One market step (published to every subscriber). */
  step(): { at: string; ticks: Tick[] } {
    const ticks = this.feed.step();
    this.save();
    return { at: this.feed.now(), ticks };
  }

  nextStepAt(): string {
    return this.feed.simulation.nextStepAt();
  }

  /** The feed's quote; a derivative that has one is watched from then on (its price is recorded with the next batch). */
  quote(symbol: string): Quote | null {
    const quote = this.feed.quote(symbol);
    if (quote !== null) this.watch([symbol]);
    return quote;
  }

  /** Instruments whose prices the next batches record besides the simulated ones (held or traded derivatives). */
  watch(instruments: readonly string[]): void {
    for (const symbol of instruments) {
      if (!this.simulated.has(symbol) && this.watched.size < MAX_WATCHED) this.watched.add(symbol);
    }
  }

  /**
   * Records the feed's current prices, at most once per minute of business time and only once the market has
   * traded (a feed that never moved has no market price: positions are then marked at cost). Returns whether a
   * batch was appended.
   */
  async recordPrices(): Promise<boolean> {
    if (this.feed.simulation.steps() === 0) return false;
    const at = this.feed.now();
    const interval = marketPriceInterval(at);
    if (interval === this.lastRecordedInterval) return false;
    const prices: MarketPrice[] = this.feed.simulation.quotes().map((q) => ({ instrument: q.symbol, pricePaise: q.lastPaise }));
    for (const symbol of [...this.watched]) {
      const quote = this.feed.quote(symbol);
      if (quote === null) this.watched.delete(symbol); // expired or unknown: no market any more
      else prices.push({ instrument: symbol, pricePaise: quote.lastPaise });
    }
    if (!(await appendMarketPrices(this.writer, at, `simulated:${this.config.paper.marketSeed}`, prices))) return false;
    this.lastRecordedInterval = interval;
    return true;
  }

  optionChain(underlying: string, expiry: IstDate | undefined, strikesEachSide: number): OptionChainView {
    const index = this.catalog.indices().find((i) => i.symbol === underlying);
    const spot = this.feed.quote(underlying);
    if (!index || !spot) throw new ApiError(400, 'UNKNOWN_UNDERLYING', `no index ${underlying}`, { underlying });
    const now = this.feed.now();
    // Which expiries are listed comes from the index's dated expiry rules (BANKNIFTY: monthly only since Nov 2024).
    const expiries = upcomingExpiries(now, { weekly: 4, monthly: 3 }, { rules: index.expiryRules, calendar: this.calendar });
    const chosen = expiry ?? expiries[0]?.date;
    if (chosen === undefined) throw new ApiError(400, 'UNKNOWN_EXPIRY', `${underlying} has no listed expiry ahead`, { expiries: [] });
    if (!expiries.some((e) => e.date === chosen)) throw new ApiError(400, 'UNKNOWN_EXPIRY', `${underlying} has no live expiry on ${chosen}`, { expiries: expiries.map((e) => e.date) });
    const volatility = defaultVolatility(underlying, true);
    const chain = buildOptionChain({ index, spotPaise: spot.lastPaise, now, expiry: chosen, strikesEachSide, volatility, rate: RATE });
    // Each side as the quotes endpoint answers it (bid, ask, last), with the IV of its last price and the greeks at that IV.
    const side = (strikePaise: number, s: OptionChain['rows'][number]['call'], optionType: 'CE' | 'PE'): OptionChainSideView => {
      const quote = this.feed.quote(s.symbol);
      const lastPaise = quote?.lastPaise ?? s.premiumPaise;
      return {
        ...s,
        bidPaise: quote?.bidPaise ?? null,
        askPaise: quote?.askPaise ?? null,
        lastPaise,
        volume: quote?.volume ?? 0,
        ...optionAnalytics({ spotPaise: spot.lastPaise, strikePaise, yearsToExpiry: chain.yearsToExpiry, rate: RATE, premiumPaise: lastPaise, fallbackVolatility: volatility }, optionType),
        openInterest: simulatedOpenInterest(Math.round((strikePaise - chain.atmStrikePaise) / index.strikeStepPaise), optionType, chain.lotSize),
      };
    };
    return {
      ...chain,
      rows: chain.rows.map((r) => ({ strikePaise: r.strikePaise, call: side(r.strikePaise, r.call, 'CE'), put: side(r.strikePaise, r.put, 'PE') })),
      expiries,
      model: {
        name: 'Black-Scholes-Merton, no dividend yield',
        volatility,
        rate: RATE,
        timeToExpiry: 'calendar time to 15:30 IST of the expiry day, in years of 365 days',
        greeks: 'at the implied volatility of the last price (at the model volatility where none fits: iv null); delta and gamma per rupee of the index, theta in rupees per calendar day, vega in rupees per volatility point',
        openInterest: 'simulated (no exchange data): a fixed bell over strikes, calls peaking two strikes above the money, puts two below',
      },
    };
  }
}
