import * as fs from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InstrumentCatalog, type IstDate, type MarketCalendar } from '@robo/domain';
import { buildOptionChain, continueSimulation, defaultSimInstruments, saveSimulation, type SavedSimulation, defaultVolatility, SimulatedMarketDataFeed, upcomingExpiries, type OptionChain, type Quote, type Tick } from '@robo/market-data';
import { APP_CONFIG, AppConfig, CLOCK, Clock, INSTRUMENTS, MARKET_CALENDAR } from '@robo/runtime';
import { ApiError } from '../common/api-error';

const RATE = 0.065;

/** Where the simulated market of a seed is saved after every step, so that a restart continues its price path. */
export const marketStateFile = (dataDir: string, seed: string): string => path.join(dataDir, `market-${seed}.json`);

/**
 * Owns the simulated market: a seeded feed (MARKET_SEED) that starts at the app clock's time and steps every
 * MARKET_STEP_SECONDS of trading time. It reads no timer itself: the paper engine moves it (step()), so the same
 * seed and the same clock give the same prices. With paper trading on, its state is saved in DATA_DIR after every
 * step: a restart continues the path from there (brought forward to the clock's time), never from the seed's start
 * again. Swap the feed for a real one behind the MarketDataFeed port.
 */
@Injectable()
export class MarketDataService implements OnApplicationShutdown {
  readonly feed: SimulatedMarketDataFeed;
  private readonly logger = new Logger('MarketData');
  private readonly stateFile: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) clock: Clock,
    @Inject(INSTRUMENTS) private readonly catalog: InstrumentCatalog,
    @Inject(MARKET_CALENDAR) private readonly calendar: MarketCalendar,
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

  quote(symbol: string): Quote | null {
    return this.feed.quote(symbol);
  }

  /** Latest prices for marking positions, once the market has traded (before that, fills are the only prices). */
  livePrices(instruments: readonly string[]): Map<string, number> {
    const prices = new Map<string, number>();
    if (!this.config.paper.enabled || this.feed.simulation.steps() === 0) return prices;
    for (const symbol of instruments) {
      const quote = this.feed.quote(symbol);
      if (quote !== null) prices.set(symbol, quote.lastPaise);
    }
    return prices;
  }

  optionChain(underlying: string, expiry: IstDate | undefined, strikesEachSide: number): OptionChain & { expiries: { date: string; kind: string }[] } {
    const index = this.catalog.indices().find((i) => i.symbol === underlying);
    const spot = this.feed.quote(underlying);
    if (!index || !spot) throw new ApiError(400, 'UNKNOWN_UNDERLYING', `no index ${underlying}`, { underlying });
    const now = this.feed.now();
    // Which expiries are listed comes from the index's dated expiry rules (BANKNIFTY: monthly only since Nov 2024).
    const expiries = upcomingExpiries(now, { weekly: 4, monthly: 3 }, { rules: index.expiryRules, calendar: this.calendar });
    const chosen = expiry ?? expiries[0]?.date;
    if (chosen === undefined) throw new ApiError(400, 'UNKNOWN_EXPIRY', `${underlying} has no listed expiry ahead`, { expiries: [] });
    if (!expiries.some((e) => e.date === chosen)) throw new ApiError(400, 'UNKNOWN_EXPIRY', `${underlying} has no live expiry on ${chosen}`, { expiries: expiries.map((e) => e.date) });
    const chain = buildOptionChain({ index, spotPaise: spot.lastPaise, now, expiry: chosen, strikesEachSide, volatility: defaultVolatility(underlying, true), rate: RATE });
    return { ...chain, expiries };
  }
}
