import { systemWallClock, type WallClock } from '@robo/clock';
import type { EventStore } from '@robo/event-store';
import { UnknownProjectionError } from '../errors';
import type { Projection } from '../projection';
import type { RunnerStore } from '../read-model-store.port';
import type { StepContext } from './group-step';
import { groupStep } from './group-step';
import { Mutex } from './mutex';
import { RateMeter } from './rate-meter';
import {
  DEFAULT_PROJECTION_BATCH_SIZE,
  DEFAULT_REBUILD_BATCH_SIZE,
  silentLogger,
  type ProjectionRunnerLogger,
  type ProjectionRunnerOptions,
} from './runner-options';
import { Progress } from './progress';
import { describeError, type Slot } from './slot';

/**
 * What the parts of a runner share: the stores, one slot per projection, the page sizes, the logger, and the step
 * contexts that record a failure for a later retry (the live loop) or throw it (everything else).
 */
export class RunnerCore {
  readonly eventStore: EventStore;
  readonly readStore: RunnerStore;
  readonly slots = new Map<string, Slot>();
  readonly batchSize: number;
  readonly rebuildBatchSize: number;
  readonly logger: ProjectionRunnerLogger;
  readonly clock: WallClock;
  readonly progress = new Progress();
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(options: ProjectionRunnerOptions) {
    this.eventStore = options.eventStore;
    this.readStore = options.readStore;
    this.batchSize = options.batchSize ?? DEFAULT_PROJECTION_BATCH_SIZE;
    this.rebuildBatchSize = options.rebuildBatchSize ?? DEFAULT_REBUILD_BATCH_SIZE;
    for (const [option, value] of [['batchSize', this.batchSize], ['rebuildBatchSize', this.rebuildBatchSize]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`${option} must be a positive integer`);
    }
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemWallClock;
    this.initialBackoffMs = options.retry?.initialMs ?? 100;
    this.maxBackoffMs = options.retry?.maxMs ?? 5000;
    for (const projection of options.projections) this.addSlot(projection);
  }

  private addSlot(projection: Projection): void {
    if (this.slots.has(projection.name)) throw new RangeError(`two projections are named ${projection.name}`);
    const types = projection.eventTypes === '*' ? null : new Set(projection.eventTypes);
    const handles = types === null ? () => true : (type: string) => types.has(type);
    this.slots.set(projection.name, {
      projection,
      target: { projection, handles, storeName: projection.name, physical: (collection) => collection },
      checkpoint: null,
      lastError: null,
      lastParkedError: null,
      lock: new Mutex(),
      rate: new RateMeter(),
      retryAt: 0,
      backoffMs: this.initialBackoffMs,
    });
  }

  slot(name: string): Slot {
    const slot = this.slots.get(name);
    if (!slot) throw new UnknownProjectionError(name);
    return slot;
  }

  /** Pages until caught up (or until the signal aborts, after the page in hand). */
  async drain(slots: readonly Slot[], batchSize = this.batchSize, signal?: AbortSignal): Promise<{ events: number; checkpoint: bigint }> {
    const context = { ...this.context('throw'), batchSize };
    let events = 0;
    for (;;) {
      const read = signal?.aborted ? 0 : await groupStep(slots, context);
      if (read === 0) {
        const checkpoint = slots.reduce((min, slot) => (slot.checkpoint! < min ? slot.checkpoint! : min), slots[0]!.checkpoint ?? 0n);
        return { events, checkpoint };
      }
      events += read;
    }
  }

  /** 'record': the live loop keeps the failure for status() and retries after a backoff; 'throw': the caller gets it. */
  context(onFailure: 'record' | 'throw'): StepContext {
    return {
      eventStore: this.eventStore,
      readStore: this.readStore,
      batchSize: this.batchSize,
      clock: this.clock,
      hooks: {
        failed: (slot, error) => {
          // The store is the truth after a failure (the commit may or may not have landed): reload before retrying.
          slot.checkpoint = null;
          if (onFailure === 'throw') throw error;
          slot.lastError = describeError(error, (slot.lastError?.attempts ?? 0) + 1, this.clock.now());
          this.logger.warn('projection batch failed; retrying', {
            projection: slot.projection.name,
            code: slot.lastError.code,
            error: slot.lastError.message,
            attempts: slot.lastError.attempts,
            retryInMs: slot.backoffMs,
          });
          slot.retryAt = this.clock.nowMs() + slot.backoffMs;
          slot.backoffMs = Math.min(slot.backoffMs * 2, this.maxBackoffMs);
        },
        succeeded: (slot, events, page) => {
          if (onFailure === 'record') {
            if (slot.lastError) this.logger.info('projection recovered', { projection: slot.projection.name, checkpoint: String(slot.checkpoint) });
            slot.lastError = null;
            slot.retryAt = 0;
            slot.backoffMs = this.initialBackoffMs;
          }
          if (page?.lastError) {
            slot.lastParkedError = page.lastError;
            this.logger.error('event parked: the projection could not apply it', {
              projection: slot.projection.name,
              parked: page.park.map((l) => l.id),
              error: page.lastError.message,
            });
          }
          if (events > 0) {
            slot.rate.record(events, this.clock.nowMs());
            this.progress.notify();
          }
        },
      },
    };
  }
}
