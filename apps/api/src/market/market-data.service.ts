import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InstrumentCatalog, type IstDate, type MarketCalendar } from '@robo/domain';
import { buildOptionChain, createSimulation, defaultSimInstruments, defaultVolatility, SimulatedMarketDataFeed, upcomingExpiries, type OptionChain, type Quote, type Tick } from '@robo/market-data';
import { APP_CONFIG, AppConfig, CLOCK, Clock, INSTRUMENTS, MARKET_CALENDAR } from '@robo/runtime';
import { ApiError } from '../common/api-error';

const RATE = 0.065;

/**
 * Owns the simulated market: a seeded feed (MARKET_SEED) that starts at the app clock's time and steps every
 * MARKET_STEP_SECONDS of trading time. It reads no timer itself: the paper engine moves it (step()), so the same
 * seed and the same clock give the same prices. Swap the feed for a real one behind the MarketDataFeed port.
 */
@Injectable()
export class MarketDataService implements OnApplicationShutdown {
  readonly feed: SimulatedMarketDataFeed;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) clock: Clock,
    @Inject(INSTRUMENTS) private readonly catalog: InstrumentCatalog,
    @Inject(MARKET_CALENDAR) private readonly calendar: MarketCalendar,
  ) {
    const simulation = createSimulation({
      seed: config.paper.marketSeed,
      instruments: defaultSimInstruments(catalog),
      start: clock.now(),
      stepSeconds: config.paper.marketStepSeconds,
      calendar,
    });
    this.feed = new SimulatedMarketDataFeed(simulation, { catalog, rate: RATE });
  }

  onApplicationShutdown(): void {
    this.feed.close();
  }

  /** One market step (published to every subscriber). */
  step(): { at: string; ticks: Tick[] } {
    const ticks = this.feed.step();
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
