import type { EventStore } from '@robo/event-store';
import { CheckpointMovedError, UnknownProjectionError } from '../errors';
import type { Projection } from '../projection';
import type { ReadModelStore } from '../read-model-store.port';
import { blockedKeysOf, projectPage, type ProjectionTarget } from './batch';
import { retryDeadLetters, type RetryResult } from './dead-letter-retry';
import { Mutex } from './mutex';
import { RateMeter } from './rate-meter';
import { compareWithShadow, drainTo, shadowTarget, type VerificationResult } from './shadow-rebuild';

export type { RetryResult } from './dead-letter-retry';
export { SHADOW_SUFFIX, type CollectionComparison, type VerificationResult } from './shadow-rebuild';
export { docKey } from './batch';

/** Structured logging without tying the library to pino or Nest; adapt either in one line. */
export interface ProjectionRunnerLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface ProjectionRunnerOptions {
  eventStore: EventStore;
  readStore: ReadModelStore;
  projections: readonly Projection[];
  /** Events read and committed per transaction. Default 500. */
  batchSize?: number;
  logger?: ProjectionRunnerLogger;
  /** Wait after a failure: starts at initialMs (100) and doubles up to maxMs (5000). */
  retry?: { initialMs?: number; maxMs?: number };
  /** How long a caught-up loop waits for new events before looking again. Default 1000. */
  idleWaitMs?: number;
}

export interface ProjectionErrorInfo {
  code: string | null;
  message: string;
  /** When it last failed (ISO-8601, UTC). */
  at: string;
  /** Consecutive failures; 0 again after a successful batch (lastError is then null). */
  attempts: number;
}

export interface ProjectionStatus {
  name: string;
  /** Last committed global position; null when the read store cannot be read. */
  checkpoint: bigint | null;
  /** Global position of the log's last event; null when the event store cannot be read. */
  head: bigint | null;
  lagEvents: bigint | null;
  /** Seconds since the oldest event not yet projected was recorded; 0 when caught up, null when unknown. */
  lagSeconds: number | null;
  caughtUp: boolean;
  /** True while this runner's loop for the projection is active (start() until stop()). */
  running: boolean;
  /** The failure the loop is currently retrying; null once a batch succeeds. */
  lastError: ProjectionErrorInfo | null;
  /** Events read per second over the last 10 seconds (relevant or not). */
  eventsPerSecond: number;
  /** Events parked in the dead-letter list (failed, or waiting behind one that failed); null when the store cannot be read. */
  parked: number | null;
  /** The error of the last event this runner parked (apply() or keys() threw); null if none since start. */
  lastParkedError: { message: string; at: string } | null;
}

export interface VerifiedRebuildOptions {
  /** Swap the shadow in when it matches (default true); false only compares (verify). */
  swap?: boolean;
  /** Swap even when the copies differ: the operator accepts a new projection version. */
  force?: boolean;
}

interface Slot {
  projection: Projection;
  target: ProjectionTarget;
  /** Null until loaded from the read store (and again after a failure, so the store's value is re-read). */
  checkpoint: bigint | null;
  lastError: ProjectionErrorInfo | null;
  lastParkedError: { message: string; at: string } | null;
  lock: Mutex;
  rate: RateMeter;
  loop: Promise<void> | null;
}

const silentLogger: ProjectionRunnerLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Runs projections over the event log: one loop per projection, each with its own checkpoint.
 * A loop reads a page after its checkpoint, applies it, and commits the documents and the page's last
 * position in one transaction, so a crash replays at most the uncommitted page and nothing is applied twice.
 * Failures (store unavailable, a projection that throws) are recorded and retried with backoff; the loop never exits on its own.
 */
export class ProjectionRunner {
  private readonly eventStore: EventStore;
  private readonly readStore: ReadModelStore;
  private readonly slots = new Map<string, Slot>();
  private readonly batchSize: number;
  private readonly logger: ProjectionRunnerLogger;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly idleWaitMs: number;
  private abort: AbortController | null = null;
  private readonly progressWaiters = new Set<() => void>();

  constructor(options: ProjectionRunnerOptions) {
    this.eventStore = options.eventStore;
    this.readStore = options.readStore;
    this.batchSize = options.batchSize ?? 500;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new RangeError('batchSize must be a positive integer');
    this.logger = options.logger ?? silentLogger;
    this.initialBackoffMs = options.retry?.initialMs ?? 100;
    this.maxBackoffMs = options.retry?.maxMs ?? 5000;
    this.idleWaitMs = options.idleWaitMs ?? 1000;
    for (const projection of options.projections) {
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
        loop: null,
      });
    }
  }

  /** Starts one loop per projection; returns at once. Calling it again while running does nothing. */
  start(): void {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    for (const slot of this.slots.values()) slot.loop = this.loop(slot, abort.signal);
    this.logger.info('projections started', { projections: [...this.slots.keys()] });
  }

  /** Lets each loop finish and commit the batch it is on, then resolves. */
  async stop(): Promise<void> {
    const abort = this.abort;
    if (!abort) return;
    abort.abort();
    await Promise.all([...this.slots.values()].map((slot) => slot.loop));
    for (const slot of this.slots.values()) slot.loop = null;
    this.abort = null;
    this.logger.info('projections stopped');
  }

  /** Processes pages until the projection has caught up with the log as it was when each page was read. Errors are thrown. */
  async runOnce(name: string): Promise<{ events: number; checkpoint: bigint }> {
    const slot = this.slot(name);
    return slot.lock.run(() => this.drain(slot));
  }

  /** Drops the projection's documents and checkpoint, then projects the whole log again. */
  async rebuild(name: string): Promise<{ events: number; checkpoint: bigint }> {
    const slot = this.slot(name);
    return slot.lock.run(async () => {
      slot.checkpoint = null;
      await this.readStore.reset(name, slot.projection.collections.map((c) => c.name));
      this.logger.info('projection reset for rebuild', { projection: name });
      return this.drain(slot);
    });
  }

  /** Names of the projections this runner knows, in registration order. */
  get projectionNames(): string[] {
    return [...this.slots.keys()];
  }

  has(name: string): boolean {
    return this.slots.has(name);
  }

  /** Re-applies one dead letter (and those blocked behind it) or all of a projection's; see retryDeadLetters. */
  async retryDeadLetters(name: string, which: { id: string } | { all: true }): Promise<RetryResult> {
    const slot = this.slot(name);
    return slot.lock.run(() => retryDeadLetters(slot.target, this.eventStore, this.readStore, which));
  }

  /**
   * Rebuilds the projection into shadow collections from position 0 while the live copy keeps serving and its loop
   * keeps running; once the shadow reaches the live checkpoint (the live loop is held for that last step only),
   * compares the two and swaps the shadow in atomically when they match, or when forced. Without a swap the shadow
   * is emptied again. Safe across processes: the swap is refused if the live checkpoint moved after the comparison,
   * and the comparison is then made again (up to 5 times).
   */
  async verifiedRebuild(name: string, options: VerifiedRebuildOptions = {}): Promise<VerificationResult> {
    const slot = this.slot(name);
    const live = slot.target;
    const shadow = shadowTarget(live);
    const shadowCollections = slot.projection.collections.map((spec) => shadow.physical(spec.name));
    await this.readStore.ensureCollections(slot.projection.collections.map((spec) => ({ ...spec, name: shadow.physical(spec.name) })));
    await this.readStore.reset(shadow.storeName, shadowCollections);
    this.logger.info('shadow rebuild started', { projection: name });
    for (let attempt = 1; ; attempt += 1) {
      // Catch up without holding the live loop, then close the last gap under its lock.
      await drainTo(shadow, await this.readStore.getCheckpoint(name), this.eventStore, this.readStore, this.batchSize);
      try {
        const result = await slot.lock.run(async (): Promise<VerificationResult> => {
          const position = await this.readStore.getCheckpoint(name);
          await drainTo(shadow, position, this.eventStore, this.readStore, this.batchSize);
          const collections = await compareWithShadow(live, shadow, this.readStore);
          const matched = collections.every((c) => c.liveCount === c.shadowCount && c.liveChecksum === c.shadowChecksum);
          const swap = (options.swap ?? true) && (matched || options.force === true);
          if (swap) {
            await this.readStore.promoteShadow({
              projection: name,
              shadowProjection: shadow.storeName,
              collections: slot.projection.collections.map((spec) => ({ live: spec.name, shadow: shadow.physical(spec.name) })),
              expectedCheckpoint: position,
            });
            slot.checkpoint = null;
          }
          return { projection: name, position, matched, swapped: swap, collections };
        });
        if (!result.swapped) await this.readStore.reset(shadow.storeName, shadowCollections);
        this.logger.info('shadow rebuild finished', { projection: name, matched: result.matched, swapped: result.swapped, position: String(result.position) });
        this.notifyProgress();
        return result;
      } catch (error) {
        if (!(error instanceof CheckpointMovedError) || attempt >= 5) throw error;
        this.logger.warn('live checkpoint moved during the comparison; comparing again', { projection: name, attempt });
      }
    }
  }

  async status(): Promise<ProjectionStatus[]> {
    const head = await this.eventStore.headPosition().catch(() => null);
    const parked = await this.readStore.countDeadLetters().catch(() => null);
    const now = Date.now();
    const result: ProjectionStatus[] = [];
    for (const slot of this.slots.values()) {
      const name = slot.projection.name;
      const checkpoint = slot.checkpoint ?? (await this.readStore.getCheckpoint(name).catch(() => null));
      const lagEvents = head !== null && checkpoint !== null ? (head > checkpoint ? head - checkpoint : 0n) : null;
      result.push({
        name,
        checkpoint,
        head,
        lagEvents,
        lagSeconds: lagEvents === null ? null : lagEvents === 0n ? 0 : await this.lagSeconds(checkpoint!, now),
        caughtUp: lagEvents === 0n,
        running: slot.loop !== null,
        lastError: slot.lastError,
        eventsPerSecond: slot.rate.perSecond(now),
        parked: parked === null ? null : (parked[name] ?? 0),
        lastParkedError: slot.lastParkedError,
      });
    }
    return result;
  }

  /**
   * Resolves true once every named projection (all by default) has committed a checkpoint >= position,
   * false after timeoutMs. Projections this runner is not running are read from the store, so it also
   * works when another process runs them.
   */
  async waitForPosition(position: bigint, timeoutMs: number, projectionNames?: readonly string[]): Promise<boolean> {
    const slots = (projectionNames ?? [...this.slots.keys()]).map((name) => this.slot(name));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await this.allReached(slots, position)) return true;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      await this.nextProgress(Math.min(remaining, 50));
    }
  }

  private async allReached(slots: readonly Slot[], position: bigint): Promise<boolean> {
    for (const slot of slots) {
      const local = slot.loop !== null ? slot.checkpoint : null;
      const checkpoint = local ?? (await this.readStore.getCheckpoint(slot.projection.name).catch(() => null));
      if (checkpoint === null || checkpoint < position) return false;
    }
    return true;
  }

  private nextProgress(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.progressWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.progressWaiters.add(done);
    });
  }

  private async lagSeconds(checkpoint: bigint, now: number): Promise<number | null> {
    const [next] = await this.eventStore.readAll({ after: checkpoint, maxCount: 1 }).catch(() => []);
    if (!next) return 0;
    const recorded = Date.parse(next.recordedAt);
    return Number.isNaN(recorded) ? null : Math.max(0, (now - recorded) / 1000);
  }

  private async loop(slot: Slot, signal: AbortSignal): Promise<void> {
    let backoffMs = this.initialBackoffMs;
    while (!signal.aborted) {
      try {
        const processed = await slot.lock.run(() => this.processPage(slot));
        if (slot.lastError) this.logger.info('projection recovered', { projection: slot.projection.name, checkpoint: String(slot.checkpoint) });
        slot.lastError = null;
        backoffMs = this.initialBackoffMs;
        if (processed === 0 && !signal.aborted && slot.checkpoint !== null) {
          await this.eventStore.waitForEventsAfter(slot.checkpoint, { timeoutMs: this.idleWaitMs, signal });
        }
      } catch (error) {
        // Events whose apply() throws are parked in processPage; what reaches here is the store failing: retry.
        slot.lastError = describe(error, (slot.lastError?.attempts ?? 0) + 1);
        this.logger.warn('projection batch failed; retrying', {
          projection: slot.projection.name,
          checkpoint: slot.checkpoint === null ? null : String(slot.checkpoint),
          code: slot.lastError.code,
          error: slot.lastError.message,
          attempts: slot.lastError.attempts,
          retryInMs: backoffMs,
        });
        await sleep(backoffMs, signal);
        backoffMs = Math.min(backoffMs * 2, this.maxBackoffMs);
      }
    }
  }

  private async drain(slot: Slot): Promise<{ events: number; checkpoint: bigint }> {
    let events = 0;
    for (;;) {
      const processed = await this.processPage(slot);
      if (processed === 0) return { events, checkpoint: slot.checkpoint ?? 0n };
      events += processed;
    }
  }

  /** One page: read, apply, commit documents and checkpoint together. Returns the number of events read. */
  private async processPage(slot: Slot): Promise<number> {
    const { projection } = slot;
    try {
      if (slot.checkpoint === null) {
        await this.readStore.ensureCollections(projection.collections);
        slot.checkpoint = await this.readStore.getCheckpoint(projection.name);
      }
      const events = await this.eventStore.readAll({ after: slot.checkpoint, maxCount: this.batchSize });
      const last = events[events.length - 1];
      if (!last) return 0;
      // Read every page: a retry from another process (the CLI) may have emptied the list since.
      const blocked = blockedKeysOf(await this.readStore.listDeadLetters({ projection: projection.name }));
      const { changes, park, lastError } = await projectPage(slot.target, events, this.readStore, blocked);
      // The checkpoint moves to the page's end even when no event in it concerned this projection, or one was parked.
      await this.readStore.commit(projection.name, changes, last.globalPosition, park.length > 0 ? { park } : undefined);
      if (lastError) {
        slot.lastParkedError = lastError;
        this.logger.error('event parked: the projection could not apply it', { projection: projection.name, parked: park.map((l) => l.id), error: lastError.message });
      }
      slot.checkpoint = last.globalPosition;
      slot.rate.record(events.length, Date.now());
      this.notifyProgress();
      return events.length;
    } catch (error) {
      // The store is the truth after a failure (the commit may or may not have landed): reload before retrying.
      slot.checkpoint = null;
      throw error;
    }
  }

  private notifyProgress(): void {
    for (const wake of [...this.progressWaiters]) wake();
  }

  private slot(name: string): Slot {
    const slot = this.slots.get(name);
    if (!slot) throw new UnknownProjectionError(name);
    return slot;
  }
}

function describe(error: unknown, attempts: number): ProjectionErrorInfo {
  // Duck-typed: driver errors may come from another realm, where instanceof Error is false.
  const { code, name, message } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; name?: unknown; message?: unknown };
  return {
    code: typeof code === 'string' ? code : null,
    message: typeof message === 'string' ? `${typeof name === 'string' ? name : 'Error'}: ${message}` : String(error),
    at: new Date().toISOString(),
    attempts,
  };
}

/** Resolves after ms, or at once when the signal aborts (stop() must not wait out a 5 s backoff). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      resolve();
    }
    signal.addEventListener('abort', finish, { once: true });
  });
}
