import { Inject, Injectable } from '@nestjs/common';
import { marketPriceInterval } from '@robo/domain';
import { EVENT_STORE, type EventStore } from '@robo/event-store';
import type { Quote, Tick } from '@robo/market-data';
import { BarReplay } from '@robo/backtest';
import { pricesProjection, ProjectionRunner, READ_MODEL_STORE, type ReadModelStore } from '@robo/read-models';
import { MarketDataService } from '../market/market-data.service';
import { MarketContextService } from '../orders/market-context.service';
import { WriteStep } from '@robo/write-path';
import { appendMarketPrices } from '../market/market-prices-writer';
import { BACKTEST_SPEC, type BacktestSpec } from '@robo/backtest';

/**
 * The prices projection of a run, brought up to the log's head when a price is read rather than after every step:
 * the pre-trade check reads the last price from it (MarketContextService.lastPrice), and in a backtest it must hold
 * every price recorded before the check (in the app the projector follows a few milliseconds behind). Determinism
 * depends on it. Most steps place no order: projecting their prices one step at a time was a quarter of a run's time.
 */
export class PricesCatchUp {
  private readonly runner: ProjectionRunner;
  private stale = false;
  constructor(events: EventStore, reads: ReadModelStore) {
    this.runner = new ProjectionRunner({ eventStore: events, readStore: reads, projections: [pricesProjection] });
  }

  /** Prices were appended: the next read projects them first. */
  recorded(): void {
    this.stale = true;
  }

  /** Projects what was recorded since the last read, if anything. */
  async fresh(): Promise<void> {
    if (!this.stale) return;
    await this.runner.runOnce(pricesProjection.name);
    this.stale = false;
  }
}

/** The pre-trade check's market facts, with the run's prices projected before a last price is read. */
@Injectable()
export class BacktestMarketContext extends MarketContextService {
  constructor(@Inject(READ_MODEL_STORE) reads: ReadModelStore, @Inject(EVENT_STORE) events: EventStore, private readonly prices: PricesCatchUp) {
    super(reads, events);
  }

  override async lastPrice(instrument: string): Promise<number | null> {
    await this.prices.fresh();
    return super.lastPrice(instrument);
  }
}

/** The seeded simulator, as paper trading runs it, its prices projected before the next read of one (PricesCatchUp). */
@Injectable()
export class BacktestSimulatedMarket extends MarketDataService {
  private catchUp: PricesCatchUp | null = null;
  constructor(...args: ConstructorParameters<typeof MarketDataService>) {
    super(...args);
  }

  attach(catchUp: PricesCatchUp): void {
    this.catchUp = catchUp;
  }

  override async recordPrices(): Promise<boolean> {
    const recorded = await super.recordPrices();
    if (recorded) this.catchUp?.recorded();
    return recorded;
  }
}

/**
 * Historical bars (a CSV file) in the place of the simulated market: the paper engine steps it bar by bar (see
 * BarReplay), and it records the bar's close as the market price of each minute, as the simulated market does.
 */
@Injectable()
export class BacktestBarMarket {
  private readonly replay: BarReplay;
  private lastRecordedInterval: string | null = null;

  constructor(
    @Inject(BACKTEST_SPEC) spec: BacktestSpec,
    private readonly catchUp: PricesCatchUp,
    private readonly writer: WriteStep,
  ) {
    if (spec.data.source !== 'csv') throw new Error('BacktestBarMarket needs bars');
    this.replay = new BarReplay(spec.data.bars);
  }

  step(): { at: string; ticks: Tick[] } {
    return this.replay.step();
  }

  nextStepAt(): string {
    return this.replay.nextStepAt();
  }

  quote(symbol: string): Quote | null {
    return this.replay.quote(symbol);
  }

  watch(): void {}

  async recordPrices(): Promise<boolean> {
    const at = this.replay.now();
    if (at === null) return false;
    const interval = marketPriceInterval(at);
    if (interval === this.lastRecordedInterval) return false;
    if (!(await appendMarketPrices(this.writer, at, 'bars', this.replay.quotes().map((q) => ({ instrument: q.symbol, pricePaise: q.lastPaise }))))) return false;
    this.lastRecordedInterval = interval;
    this.catchUp.recorded();
    return true;
  }
}
