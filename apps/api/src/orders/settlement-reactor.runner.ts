import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { READ_MODEL_STORE, ReadModelStore } from '@robo/read-models';
import { APP_CONFIG, AppConfig } from '@robo/runtime';
import { SettlementReactor } from './settlement.reactor';

export const SETTLEMENT_CHECKPOINT = 'reactor.settlement';
const TYPES = ['OrderPartiallyFilled', 'OrderFilled', 'OrderCancelled', 'OrderExpired'];

/**
 * Follows the log from its checkpoint and runs the settlement reactor on every fill, cancel and expiry, so that
 * an effect the command path did not finish (a crash between two appends) is completed. Each event is handled
 * before the next is read; the checkpoint is saved every 100 events and every 250 ms while idle (re-running is harmless).
 */
@Injectable()
export class SettlementReactorRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SettlementReactor');
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;

  constructor(
    private readonly reactor: SettlementReactor,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_MODEL_STORE) private readonly reads: ReadModelStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.runReactors) this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (!this.abort.signal.aborted) {
      try {
        await this.follow();
        backoff = 100;
      } catch (error) {
        if (this.abort.signal.aborted) break;
        this.logger.warn({ err: error, retryInMs: backoff }, 'settlement reactor failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  private async follow(): Promise<void> {
    let checkpoint = await this.reads.getCheckpoint(SETTLEMENT_CHECKPOINT);
    let saved = checkpoint;
    let flushing: Promise<void> | null = null;
    const save = (): Promise<void> => {
      const target = checkpoint;
      flushing = this.reads.commit(SETTLEMENT_CHECKPOINT, [], target).then(
        () => {
          if (target > saved) saved = target;
          flushing = null;
        },
        (error) => {
          flushing = null;
          this.logger.warn({ err: error }, 'could not save the settlement checkpoint');
        },
      );
      return flushing;
    };
    // Saved every 100 events, and by this timer while idle (re-handling a few events after a crash is harmless).
    const timer = setInterval(() => {
      if (checkpoint > saved && flushing === null) void save();
    }, 250);
    try {
      for await (const event of this.events.subscribeToAll({ after: checkpoint, filter: { eventTypes: TYPES }, signal: this.abort.signal })) {
        const outcome = await this.reactor.handle(event, { reportPosition: false });
        if (outcome.outcome === 'rejected') {
          // A stream that kept changing under the reactor: the follower starts again from its checkpoint.
          if (outcome.code === 'VERSION_CONFLICT') throw new Error(`settlement lost the race for ${String(outcome.details?.stream)} too often`);
          // A rule violation will not go away by retrying: record it and go on with the next event.
          this.logger.error({ code: outcome.code, message: outcome.message, position: Number(event.globalPosition), eventId: event.metadata.eventId }, 'settlement refused an event');
        }
        checkpoint = event.globalPosition;
        if (checkpoint - saved >= 100n && flushing === null) await save();
      }
    } finally {
      clearInterval(timer);
      await flushing;
      if (checkpoint > saved) await save();
    }
  }
}
