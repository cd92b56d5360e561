import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_STORE, EventStore, REACTOR_CHECKPOINTS, type ReactorCheckpointStore } from '@robo/event-store';
import { READ_MODEL_STORE, type CheckpointReader, type ProjectionCommitStore } from '@robo/read-models';
import { APP_CONFIG, AppConfig, WALL_CLOCK, type WallClock } from '@robo/runtime';
import { SettlementReactor } from './settlement.reactor';
import { followUntilAborted } from '../common/follow-until-aborted';

/** The settlement reactor's name among reactor checkpoints (and in the projections status list). */
export const SETTLEMENT_CHECKPOINT = 'reactor.settlement';
const TYPES = ['OrderPartiallyFilled', 'OrderFilled', 'OrderCancelled', 'OrderExpired'];

/**
 * Follows the log from its checkpoint and runs the settlement reactor on every fill, cancel and expiry, so that
 * an effect the command path did not finish (a crash between two appends) is completed. Each event is handled
 * before the next is read; the checkpoint is saved every 100 events and every 250 ms while behind (re-running is
 * harmless). It is kept on the event side (REACTOR_CHECKPOINTS); a checkpoint an older build kept in the read store
 * is taken over on the first start.
 */
@Injectable()
export class SettlementReactorRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SettlementReactor');
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;

  constructor(
    private readonly reactor: SettlementReactor,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(REACTOR_CHECKPOINTS) private readonly checkpoints: ReactorCheckpointStore,
    /** Only where older builds kept the checkpoint: read once, cleared once taken over. */
    @Inject(READ_MODEL_STORE) private readonly oldPlace: CheckpointReader & Pick<ProjectionCommitStore, 'reset'>,
    @Inject(WALL_CLOCK) private readonly clock: WallClock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.runReactors) this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private run(): Promise<void> {
    return followUntilAborted(this.abort.signal, () => this.follow(), (error, retryInMs) => this.logger.warn({ err: error, retryInMs }, 'settlement reactor failed; retrying'));
  }

  private async follow(): Promise<void> {
    let checkpoint = await this.loadCheckpoint();
    let saved = checkpoint;
    let flushing: Promise<void> | null = null;
    const save = (): Promise<void> => {
      const target = checkpoint;
      flushing = this.checkpoints.save(SETTLEMENT_CHECKPOINT, target, this.clock.now()).then(
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

  /**
   * The saved checkpoint; on the first start after the move to the event side, the one found in the read store (0
   * when none), saved at the new place and cleared at the old one, so that it is taken over exactly once.
   */
  private async loadCheckpoint(): Promise<bigint> {
    const saved = await this.checkpoints.load(SETTLEMENT_CHECKPOINT);
    if (saved !== null) return saved;
    const old = await this.oldPlace.getCheckpoint(SETTLEMENT_CHECKPOINT);
    await this.checkpoints.save(SETTLEMENT_CHECKPOINT, old, this.clock.now());
    if (old > 0n) {
      await this.oldPlace.reset(SETTLEMENT_CHECKPOINT, []);
      this.logger.log({ checkpoint: Number(old) }, 'settlement checkpoint taken over from the read store');
    }
    return old;
  }
}
