import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { APP_CONFIG, AppConfig, CLOCK, Clock, SteeredClock, WALL_CLOCK, type WallClock } from '@robo/runtime';
import { MarketDataService } from '../market/market-data.service';
import { PaperBrokerService } from './paper-broker.service';
import { PaperLedger } from './paper-ledger';
import { StrategyRunnerService } from './strategy-runner.service';

/** Steps taken per timer tick at most, so a long pause catches up over several ticks instead of blocking. */
const MAX_STEPS_PER_TICK = 50;

/**
 * Drives paper trading, one market step at a time and never two at once: step the simulated market, move business
 * time to the step (market clock mode), then the broker matches working orders, the strategies act on the new
 * prices, and the MIS square-off runs after the cut-off. Everything goes through the command bus. On a timer every
 * PAPER_TICK_MS (market clock mode: CLOCK_SPEED simulated seconds per real second; wall mode: up to the clock's
 * time); with PAPER_TICK_MS=0 only step()/runUntil() move it (tests).
 */
@Injectable()
export class PaperEngineService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('PaperEngine');
  private readonly ledger: PaperLedger;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private busy = false;
  private simulatedSecondsOwed = 0;
  private lastTickMs: number;
  private stopped = false;

  constructor(
    private readonly market: MarketDataService,
    private readonly broker: PaperBrokerService,
    private readonly runner: StrategyRunnerService,
    @Inject(EVENT_STORE) events: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WALL_CLOCK) private readonly wall: WallClock,
  ) {
    this.ledger = new PaperLedger(events);
    this.lastTickMs = wall.monotonicMs();
  }

  onApplicationBootstrap(): void {
    if (!this.config.paper.enabled || this.config.paper.tickMs === 0) return;
    this.lastTickMs = this.wall.monotonicMs();
    this.timer = setInterval(() => void this.onTimer(), this.config.paper.tickMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.chain.catch(() => undefined);
  }

  /** One market step and everything that follows from it; returns the step's instant. */
  step(): Promise<string> {
    const run = this.chain.then(() => this.stepNow());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Steps until the next step would land after `instant`; returns the steps taken. */
  async runUntil(instant: string): Promise<number> {
    let taken = 0;
    while (!this.stopped && Date.parse(this.market.nextStepAt()) <= Date.parse(instant)) {
      await this.step();
      taken += 1;
    }
    return taken;
  }

  private async stepNow(): Promise<string> {
    const { at, ticks } = this.market.step();
    if (this.clock instanceof SteeredClock) this.clock.set(at);
    // The prices positions are marked at go to the log first, so every figure after this step can be rebuilt from it.
    await this.market.recordPrices();
    await this.ledger.catchUp();
    await this.broker.match(this.ledger, at);
    await this.ledger.catchUp();
    await this.runner.onStep(this.ledger, at, ticks);
    await this.ledger.catchUp();
    await this.broker.squareOff(this.ledger, at);
    await this.ledger.catchUp();
    return at;
  }

  private async onTimer(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    try {
      const nowMs = this.wall.monotonicMs();
      const elapsed = nowMs - this.lastTickMs;
      this.lastTickMs = nowMs;
      if (this.clock instanceof SteeredClock) {
        this.simulatedSecondsOwed = Math.min(this.simulatedSecondsOwed + (elapsed / 1000) * this.config.paper.marketSpeed, MAX_STEPS_PER_TICK * this.config.paper.marketStepSeconds);
        while (this.simulatedSecondsOwed >= this.config.paper.marketStepSeconds && !this.stopped) {
          this.simulatedSecondsOwed -= this.config.paper.marketStepSeconds;
          await this.step();
        }
      } else {
        const now = Date.parse(this.clock.now());
        for (let i = 0; i < MAX_STEPS_PER_TICK && !this.stopped && Date.parse(this.market.nextStepAt()) <= now; i += 1) await this.step();
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'paper engine step failed; the next tick retries');
    } finally {
      this.busy = false;
    }
  }
}
