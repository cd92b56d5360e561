import { Inject, Injectable } from '@nestjs/common';
import { marketPriceInterval } from '@robo/domain';
import { EVENT_STORE, type EventStore } from '@robo/event-store';
import type { Quote, Tick } from '@robo/market-data';
import { BarReplay } from '@robo/backtest';
import { pricesProjection, ProjectionRunner, READ_MODEL_STORE, type ReadModelStore } from '@robo/read-models';
import { MarketDataService } from '../market/market-data.service';
import { WriteStep } from '@robo/write-path';
import { appendMarketPrices } from '../market/market-prices-writer';
import { BACKTEST_SPEC, type BacktestSpec } from '@robo/backtest';

/**
 * The prices projection, brought up to the log's head right after a batch of prices is recorded: the pre-trade
 * check reads the last price from it, and in a backtest it must be there before the step's orders are checked (in
 * the app the projector follows a few milliseconds behind). Determinism depends on it.
 */
export class PricesCatchUp {
  private readonly runner: ProjectionRunner;
  constructor(events: EventStore, reads: ReadModelStore) {
    this.runner = new ProjectionRunner({ eventStore: events, readStore: reads, projections: [pricesProjection] });
  }
  async run(): Promise<void> {
    await this.runner.runOnce(pricesProjection.name);
  }
}

/** The seeded simulator, as paper trading runs it, with the prices projected at once after each batch. */
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
    if (recorded) await this.catchUp?.run();
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
  private readonly catchUp: PricesCatchUp;
  private lastRecordedInterval: string | null = null;

  constructor(
    @Inject(BACKTEST_SPEC) spec: BacktestSpec,
    @Inject(EVENT_STORE) events: EventStore,
    @Inject(READ_MODEL_STORE) reads: ReadModelStore,
    private readonly writer: WriteStep,
  ) {
    if (spec.data.source !== 'csv') throw new Error('BacktestBarMarket needs bars');
    this.replay = new BarReplay(spec.data.bars);
    this.catchUp = new PricesCatchUp(events, reads);
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
    await this.catchUp.run();
    return true;
  }
}
