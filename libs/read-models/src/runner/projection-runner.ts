import type { EventStore } from '@robo/event-store';
import { CheckpointMovedError, UnknownProjectionError } from '../errors';
import type { Projection } from '../projection';
import type { ReadModelStore } from '../read-model-store.port';
import { retryDeadLetters, type RetryResult } from './dead-letter-retry';
import { groupStep, type StepContext } from './group-step';
import { holdAll, Mutex } from './mutex';
import { RateMeter } from './rate-meter';
import { describeError, type ProjectionErrorInfo, type Slot } from './slot';
import { compareWithShadow, drainTo, shadowTarget, type VerificationResult } from './shadow-rebuild';

export type { RetryResult } from './dead-letter-retry';
export { SHADOW_SUFFIX, type CollectionComparison, type VerificationResult } from './shadow-rebuild';
export { docKey } from './batch';
export type { ProjectionErrorInfo } from './slot';

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
  /**
   * Most events read per page; a page of every projection is committed in one transaction. Default 5000: during a
   * catch-up each commit rewrites the index pages it touches, so big pages write far less; a live tail reads only
   * what is new anyway.
   */
  batchSize?: number;
  /**
   * Events per page while rebuilding with the indexes dropped (rebuildMany, and the shadow of verifiedRebuild).
   * Default 1000: with no index pages to rewrite, a commit costs little, and smaller pages keep each page's objects
   * young enough to die in the young generation instead of being promoted and collected by full collections.
   */
  rebuildBatchSize?: number;
  logger?: ProjectionRunnerLogger;
  /** Wait after a failure: starts at initialMs (100) and doubles up to maxMs (5000). */
  retry?: { initialMs?: number; maxMs?: number };
  /** How long a caught-up loop waits for new events before looking again. Default 1000. */
  idleWaitMs?: number;
  /**
   * Run the live loop only while holding this lease in the read store, so that of several processes started with the
   * same lease one projects and the others stand by, taking over within ttlMs of the active one stopping, dying or
   * losing its store. Rebuilds, verifications and dead-letter retries do not take it.
   */
  lease?: ProjectorLeaseOptions;
  /**
   * When the loop starts on a read store where no projection has projected anything yet (every checkpoint 0, no dead
   * letters) and the log holds at least `minEvents` events, it first loads them as rebuildMany does (tables without
   * their indexes, `elsewhere` in another thread), then goes on page by page. Much faster than paging through a large
   * log from the start; reads made meanwhile find fewer documents and no indexes. `minEvents` is compared with the
   * head position, which counts events in the SQLite log (EventStoreDB's positions are larger than its event count).
   */
  initialLoad?: { minEvents: number; elsewhere?: RebuildElsewhere };
  /**
   * Projections whose pages the live loop has projected elsewhere (a worker thread with its own connections, writing
   * a store of their own), at the same time as it projects the others here. Their slots stay here: status, locks
   * (rebuilds and retries wait for a step in flight), checkpoints and backoff work as for the others.
   */
  stepElsewhere?: StepElsewhere;
}

/** One page of some projections projected and committed elsewhere (see ProjectionRunnerOptions.stepElsewhere). */
export interface StepElsewhere {
  readonly names: readonly string[];
  /**
   * Projects the named projections up to `batchSize` log events past their stored checkpoints and commits them.
   * Rejects when that fails (nothing of the failed page is kept).
   */
  step(names: readonly string[], batchSize: number): Promise<StepReport>;
  /** Ends what step() started (a worker thread); a later step() starts it again. */
  close(): Promise<void>;
}

/** What one step did: log events read, and per projection its checkpoint after it and the error of an event it parked. */
export interface StepReport {
  read: number;
  projections: Record<string, { checkpoint: bigint; parkedError: { message: string; at: string } | null }>;
}

export interface ProjectorLeaseOptions {
  /** Default 'projector'. */
  name?: string;
  /** Unique per running instance (host, pid and a random part, say). */
  owner: string;
  /** Default 15000; renewed every third of it. */
  ttlMs?: number;
  /**
   * True when the holder is known to be gone although its lease has not expired (say, a process of this host that
   * no longer exists): the lease is then released on its behalf and taken at once instead of after ttlMs.
   */
  holderIsGone?: (holder: string) => boolean;
}

/** Leases are renewed every third of their time to live; a standby looks again at most this often. */
const STANDBY_POLL_MS = 1000;

type LeaseSettings = Required<Pick<ProjectorLeaseOptions, 'name' | 'owner' | 'ttlMs'>> & Pick<ProjectorLeaseOptions, 'holderIsGone'>;

export interface ProjectionStatus {
  name: string;
  /** Last committed global position; null when the read store cannot be read. */
  checkpoint: bigint | null;
  /** Global position of the log's last event; null when the event store cannot be read. */
  head: bigint | null;
  /**
   * Events in the log after the checkpoint, on a store whose positions count events (SQLite); null on a store whose
   * positions are byte offsets (EventStoreDB), where head - checkpoint is a number of bytes: see lagBytes.
   */
  lagEvents: bigint | null;
  /** Bytes of log after the checkpoint on a store whose positions are byte offsets (EventStoreDB); null elsewhere. */
  lagBytes: bigint | null;
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
  /** True while the loop runs but waits as a standby: another instance holds the projector lease. */
  standby: boolean;
  /** Who holds the projector lease, as this runner last saw it; null without a lease or before the first look. */
  leaseHolder: string | null;
}

export interface RebuildResult {
  /** Log events read (by the side that read most, when several rebuilt at once). */
  events: number;
  /** The lowest checkpoint reached. */
  checkpoint: bigint;
}

/** One result for rebuilds made side by side (here and in worker threads). */
export function combineRebuilds(results: readonly RebuildResult[]): RebuildResult {
  return {
    events: Math.max(0, ...results.map((r) => r.events)),
    checkpoint: results.reduce((min, r) => (r.checkpoint < min ? r.checkpoint : min), results[0]?.checkpoint ?? 0n),
  };
}

/** Rebuilds some projections somewhere else (a worker thread with its own connections) for rebuildMany. */
export interface RebuildElsewhere {
  /** The projections it takes; each must be kept in a store (file) that nothing else writes during the rebuild. */
  readonly names: readonly string[];
  /**
   * Resets and rebuilds them from the log as rebuildMany does; resolves once they are rebuilt and indexed. Aborted
   * (the runner stops), it stops at once and rejects; what it loaded stays, checkpoint included, maybe without indexes
   * until the store's collections are next ensured.
   */
  rebuild(names: readonly string[], signal?: AbortSignal): Promise<RebuildResult>;
}

export interface VerifiedRebuildOptions {
  /** Swap the shadow in when it matches (default true); false only compares (verify). */
  swap?: boolean;
  /** Swap even when the copies differ: the operator accepts a new projection version. */
  force?: boolean;
}

/** Events read from the log per step when `batchSize` is not given. */
export const DEFAULT_PROJECTION_BATCH_SIZE = 5000;
/** Events read per step of a rebuild when `rebuildBatchSize` is not given. */
export const DEFAULT_REBUILD_BATCH_SIZE = 1000;

const silentLogger: ProjectionRunnerLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Runs projections over the event log, each with its own checkpoint, in one loop: it reads a page once, applies it
 * to every projection, and commits each projection's documents with the page's last position as its checkpoint
 * (all in one transaction where the store can), so a crash replays at most the uncommitted page and nothing is
 * applied twice. Failures (store unavailable) are recorded per projection and retried with backoff while the
 * others go on; events a projection cannot apply are parked. The loop never exits on its own.
 */
export class ProjectionRunner {
  private readonly eventStore: EventStore;
  private readonly readStore: ReadModelStore;
  private readonly slots = new Map<string, Slot>();
  private readonly batchSize: number;
  private readonly rebuildBatchSize: number;
  private readonly logger: ProjectionRunnerLogger;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly idleWaitMs: number;
  private abort: AbortController | null = null;
  private loopPromise: Promise<void> | null = null;
  private readonly lease: LeaseSettings | null;
  /** Null until the loop first looks at the lease (after start). */
  private leaseHeld: boolean | null = null;
  private leaseHolder: string | null = null;
  private leaseRenewAt = 0;
  /** The last failure to take or renew the lease, logged once until it changes. */
  private leaseError: string | null = null;
  private readonly progressWaiters = new Set<() => void>();
  private readonly initialLoad: ProjectionRunnerOptions['initialLoad'] | null;
  private readonly stepElsewhere: StepElsewhere | null;

  constructor(options: ProjectionRunnerOptions) {
    this.eventStore = options.eventStore;
    this.readStore = options.readStore;
    this.batchSize = options.batchSize ?? DEFAULT_PROJECTION_BATCH_SIZE;
    this.rebuildBatchSize = options.rebuildBatchSize ?? DEFAULT_REBUILD_BATCH_SIZE;
    for (const [option, value] of [['batchSize', this.batchSize], ['rebuildBatchSize', this.rebuildBatchSize]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`${option} must be a positive integer`);
    }
    this.logger = options.logger ?? silentLogger;
    this.initialBackoffMs = options.retry?.initialMs ?? 100;
    this.maxBackoffMs = options.retry?.maxMs ?? 5000;
    this.idleWaitMs = options.idleWaitMs ?? 1000;
    this.initialLoad = options.initialLoad ?? null;
    this.stepElsewhere = options.stepElsewhere ?? null;
    this.lease = options.lease ? { name: options.lease.name ?? 'projector', owner: options.lease.owner, ttlMs: options.lease.ttlMs ?? 15_000, holderIsGone: options.lease.holderIsGone } : null;
    if (this.lease && (!Number.isInteger(this.lease.ttlMs) || this.lease.ttlMs < 3)) throw new RangeError('lease.ttlMs must be an integer of at least 3');
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
        retryAt: 0,
        backoffMs: this.initialBackoffMs,
      });
    }
  }

  /** Starts the loop; returns at once. Calling it again while running does nothing. */
  start(): void {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    this.loopPromise = this.loop(abort.signal);
    this.logger.info('projections started', { projections: [...this.slots.keys()] });
  }

  /** Lets the loop finish and commit the page it is on, then resolves. */
  async stop(): Promise<void> {
    const abort = this.abort;
    if (!abort) return;
    abort.abort();
    await this.loopPromise;
    this.loopPromise = null;
    this.abort = null;
    await this.stepElsewhere?.close().catch(() => undefined);
    if (this.lease && this.leaseHeld) {
      // Handed over at once rather than after ttlMs; a failure here only delays the standby until the lease expires.
      await this.readStore.releaseLease(this.lease.name, this.lease.owner).catch(() => undefined);
      this.leaseHolder = null;
    }
    this.leaseHeld = null;
    this.logger.info('projections stopped');
  }

  /** Processes pages until the projection has caught up with the log as it was when each page was read. Errors are thrown. */
  async runOnce(name: string): Promise<{ events: number; checkpoint: bigint }> {
    const slot = this.slot(name);
    return slot.lock.run(() => this.drain([slot]));
  }

  /** Drops the projection's documents and checkpoint, then projects the whole log again. */
  async rebuild(name: string): Promise<{ events: number; checkpoint: bigint }> {
    return this.rebuildMany([name]);
  }

  /**
   * Rebuilds several projections (all by default) in one pass over the log: each log event is read once for all.
   * Their secondary indexes are dropped for the load and created again at the end. Resolves with the log events read
   * and the lowest checkpoint reached. With `elsewhere`, the projections it names are rebuilt by it at the same time
   * (in another thread, into a store of their own) while this runner rebuilds the rest.
   */
  async rebuildMany(names: readonly string[] = this.projectionNames, options: { elsewhere?: RebuildElsewhere; signal?: AbortSignal } = {}): Promise<RebuildResult> {
    const slots = [...new Set(names)].map((name) => this.slot(name));
    const away = options.elsewhere ? slots.filter((slot) => options.elsewhere!.names.includes(slot.projection.name)) : [];
    const here = slots.filter((slot) => !away.includes(slot));
    return holdAll(slots.map((slot) => slot.lock), async () => {
      const remote = away.length > 0 ? options.elsewhere!.rebuild(away.map((slot) => slot.projection.name), options.signal) : null;
      // Wait for the other side even when this one fails: nothing may still be writing when this returns.
      const [local, other] = await Promise.allSettled([here.length > 0 ? this.rebuildHere(here, options.signal) : null, remote]);
      for (const slot of away) slot.checkpoint = null;
      if (local.status === 'rejected') throw local.reason;
      if (other.status === 'rejected') throw other.reason;
      return combineRebuilds([local.value, other.value].filter((r): r is RebuildResult => r !== null));
    });
  }

  private async rebuildHere(slots: Slot[], signal?: AbortSignal): Promise<RebuildResult> {
    const specs = slots.flatMap((slot) => slot.projection.collections);
    await this.readStore.ensureCollections(specs);
    await this.readStore.dropIndexes(specs.map((spec) => spec.name));
    for (const slot of slots) {
      await this.readStore.reset(slot.projection.name, slot.projection.collections.map((c) => c.name));
      slot.checkpoint = 0n;
    }
    this.logger.info('projections reset for rebuild', { projections: slots.map((slot) => slot.projection.name) });
    try {
      return await this.drain(slots, this.rebuildBatchSize, signal);
    } finally {
      await this.readStore.ensureCollections(specs);
    }
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
    const shadowSpecs = slot.projection.collections.map((spec) => ({ ...spec, name: shadow.physical(spec.name) }));
    await this.readStore.ensureCollections(shadowSpecs);
    await this.readStore.reset(shadow.storeName, shadowCollections);
    // Nobody reads the shadow while it loads: its indexes are made once, over the loaded rows, before the comparison.
    await this.readStore.dropIndexes(shadowCollections);
    this.logger.info('shadow rebuild started', { projection: name });
    for (let attempt = 1; ; attempt += 1) {
      // Catch up without holding the live loop, then close the last gap under its lock.
      await drainTo(shadow, await this.readStore.getCheckpoint(name), this.eventStore, this.readStore, this.rebuildBatchSize);
      await this.readStore.ensureCollections(shadowSpecs);
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
      // In the store's position unit: events on SQLite, bytes on EventStoreDB.
      const lag = head !== null && checkpoint !== null ? (head > checkpoint ? head - checkpoint : 0n) : null;
      const inBytes = this.eventStore.positionUnit === 'bytes';
      result.push({
        name,
        checkpoint,
        head,
        lagEvents: inBytes ? null : lag,
        lagBytes: inBytes ? lag : null,
        lagSeconds: lag === null ? null : lag === 0n ? 0 : await this.lagSeconds(checkpoint!, now),
        caughtUp: lag === 0n,
        running: this.loopPromise !== null,
        lastError: slot.lastError,
        eventsPerSecond: slot.rate.perSecond(now),
        parked: parked === null ? null : (parked[name] ?? 0),
        lastParkedError: slot.lastParkedError,
        standby: this.loopPromise !== null && this.lease !== null && !this.leaseHeld,
        leaseHolder: this.lease ? this.leaseHolder : null,
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
      const local = this.loopPromise !== null ? slot.checkpoint : null;
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

  private async loop(signal: AbortSignal): Promise<void> {
    const context = this.context('record');
    const all = [...this.slots.values()];
    let loadLooked = this.initialLoad === null;
    let awayStep: Promise<number> | null = null;
    while (!signal.aborted) {
      // The locks of the last step are released in callbacks still queued; after this turn, busy means held by others
      // (and requests waiting on the event loop get their turn between pages).
      await nextTurn();
      if (this.lease && !(await this.holdLease(all, signal))) continue;
      if (!loadLooked) {
        // Looked at once per start, by the instance that holds the lease.
        loadLooked = true;
        await this.loadIfEmpty(all, signal);
        continue;
      }
      const now = Date.now();
      // A projection held by a rebuild or a dead-letter retry is left out, not waited for.
      const ready = all.filter((slot) => slot.retryAt <= now && !slot.lock.busy);
      const away = this.stepElsewhere ? ready.filter((slot) => this.stepElsewhere!.names.includes(slot.projection.name)) : [];
      const here = ready.filter((slot) => !away.includes(slot));
      // The projections elsewhere step on their own: this thread neither waits for them (a worker starting up, a
      // slower page) nor they for it. Their locks are held while a step is in flight, so they are not ready meanwhile.
      if (away.length > 0 && awayStep === null) {
        awayStep = this.holdingStep(away, context, () => this.stepAway(away, context)).finally(() => {
          awayStep = null;
        });
      }
      const read = await this.holdingStep(here, context, () => groupStep(here, context));
      if (read > 0 || signal.aborted) continue;
      if (awayStep === null) {
        await this.idle(all, signal);
        continue;
      }
      // Woken by new events, by a retry falling due, or by the step elsewhere finishing.
      const wake = new AbortController();
      // A fixed reason: abort() without one builds a DOMException (and its stack) on every idle wake-up.
      const stopped = () => wake.abort(WOKEN);
      signal.addEventListener('abort', stopped, { once: true });
      void awayStep.finally(stopped);
      await this.idle(all, wake.signal);
      signal.removeEventListener('abort', stopped);
    }
    // Stopped: nothing may still be in flight when stop() resolves.
    await awayStep;
  }

  /** One step under the slots' locks; a failure is recorded for each of them (retried after a backoff). Events read. */
  private async holdingStep(slots: readonly Slot[], context: StepContext, run: () => Promise<number>): Promise<number> {
    if (slots.length === 0) return 0;
    try {
      return await holdAll(slots.map((slot) => slot.lock), run);
    } catch (error) {
      for (const slot of slots) context.hooks.failed(slot, error);
      return 0;
    }
  }

  /** One page of the projections projected elsewhere; their slots take the checkpoints it reports. */
  private async stepAway(slots: readonly Slot[], context: StepContext): Promise<number> {
    const report = await this.stepElsewhere!.step(
      slots.map((slot) => slot.projection.name),
      this.batchSize,
    );
    for (const slot of slots) {
      const done = report.projections[slot.projection.name];
      if (!done) throw new Error(`the step elsewhere did not report projection ${slot.projection.name}`);
      const events = slot.checkpoint === null || done.checkpoint > slot.checkpoint ? report.read : 0;
      slot.checkpoint = done.checkpoint;
      context.hooks.succeeded(slot, events, done.parkedError ? { changes: [], park: [], lastError: done.parkedError } : null);
    }
    return report.read;
  }

  /**
   * One step of the named projections, as the live loop makes it, from their stored checkpoints (another thread may
   * have moved them): what a StepElsewhere runs in its worker thread. Failures are thrown.
   */
  async stepOnce(names: readonly string[], batchSize = this.batchSize): Promise<StepReport> {
    const slots = names.map((name) => this.slot(name));
    return holdAll(slots.map((slot) => slot.lock), async () => {
      for (const slot of slots) {
        // Read again (cheap); a first step (null) also makes sure the collections exist.
        if (slot.checkpoint !== null) slot.checkpoint = await this.readStore.getCheckpoint(slot.projection.name);
        slot.lastParkedError = null;
      }
      const read = await groupStep(slots, { ...this.context('throw'), batchSize });
      const projections: StepReport['projections'] = {};
      for (const slot of slots) projections[slot.projection.name] = { checkpoint: slot.checkpoint ?? 0n, parkedError: slot.lastParkedError };
      return { read, projections };
    });
  }

  /** The initial load (see the option): only on a store where nothing was projected yet, and never fatal. */
  private async loadIfEmpty(slots: readonly Slot[], signal: AbortSignal): Promise<void> {
    const { minEvents, elsewhere } = this.initialLoad!;
    let head: bigint;
    try {
      head = await this.eventStore.headPosition();
      if (head < BigInt(minEvents)) return;
      for (const slot of slots) if ((await this.readStore.getCheckpoint(slot.projection.name)) !== 0n) return;
      if ((await this.readStore.listDeadLetters({ limit: 1 })).length > 0) return;
    } catch {
      return; // the loop meets the same failure and records it
    }
    const names = slots.map((slot) => slot.projection.name);
    this.logger.info('initial load: the read store is empty, loading the log as a rebuild does', { events: Number(head), elsewhere: elsewhere?.names ?? [] });
    const started = Date.now();
    // The loop does not come round to renew the lease while the load runs.
    const renew = this.lease ? setInterval(() => void this.renewLease(), Math.floor(this.lease.ttlMs / 3)) : null;
    try {
      const result = await this.rebuildMany(names, { elsewhere, signal });
      if (!signal.aborted) this.logger.info('initial load done', { checkpoint: String(result.checkpoint), seconds: (Date.now() - started) / 1000 });
    } catch (error) {
      if (!signal.aborted) this.logger.warn('initial load failed; projecting page by page from the checkpoints reached', { error: error instanceof Error ? error.message : String(error) });
    } finally {
      if (renew) clearInterval(renew);
      for (const slot of slots) slot.checkpoint = null;
      this.notifyProgress();
    }
  }

  private async renewLease(): Promise<void> {
    const lease = this.lease!;
    try {
      const state = await this.readStore.acquireLease(lease.name, lease.owner, { ttlMs: lease.ttlMs, nowMs: Date.now() });
      if (!state.held) this.logger.warn('projector lease lost during the initial load', { lease: lease.name, holder: state.owner });
      this.leaseRenewAt = Date.now() + Math.floor(lease.ttlMs / 3);
    } catch (error) {
      this.logger.warn('could not renew the projector lease during the initial load', { lease: lease.name, error: error instanceof Error ? error.message : String(error) });
    }
  }

  /**
   * True while this runner holds the projector lease (taken or renewed here when due); otherwise waits a little as a
   * standby and answers false. Checkpoints are read again from the store after any change of holder.
   */
  private async holdLease(slots: readonly Slot[], signal: AbortSignal): Promise<boolean> {
    const lease = this.lease!;
    const now = Date.now();
    if (this.leaseHeld && now < this.leaseRenewAt) return true;
    let held = false;
    try {
      let state = await this.readStore.acquireLease(lease.name, lease.owner, { ttlMs: lease.ttlMs, nowMs: now });
      if (!state.held && lease.holderIsGone?.(state.owner)) {
        this.logger.warn('projector lease held by an instance that is gone; taking it over', { lease: lease.name, holder: state.owner });
        await this.readStore.releaseLease(lease.name, state.owner);
        state = await this.readStore.acquireLease(lease.name, lease.owner, { ttlMs: lease.ttlMs, nowMs: Date.now() });
      }
      held = state.held;
      this.leaseHolder = state.owner;
      this.leaseError = null;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.leaseError) this.logger.warn('could not take or renew the projector lease; standing by', { lease: lease.name, error: message });
      this.leaseError = message;
    }
    if (held !== this.leaseHeld) {
      for (const slot of slots) slot.checkpoint = null;
      if (held) this.logger.info('projector lease taken: this instance runs the projections', { lease: lease.name, owner: lease.owner });
      else this.logger.warn('projector lease not held: standing by', { lease: lease.name, holder: this.leaseHolder });
    }
    this.leaseHeld = held;
    if (held) {
      this.leaseRenewAt = now + Math.floor(lease.ttlMs / 3);
      return true;
    }
    await sleep(Math.min(Math.floor(lease.ttlMs / 3), STANDBY_POLL_MS), signal);
    return false;
  }

  /** Waits for new events, or until the next projection is due for a retry, or briefly while one is held elsewhere. */
  private async idle(slots: readonly Slot[], signal: AbortSignal): Promise<void> {
    // As in the loop: the step's own locks must be released before busy is read.
    await nextTurn();
    const now = Date.now();
    let timeoutMs = this.idleWaitMs;
    let from: bigint | null = null;
    for (const slot of slots) {
      if (slot.lock.busy) timeoutMs = Math.min(timeoutMs, 50);
      else if (slot.retryAt > now) timeoutMs = Math.min(timeoutMs, slot.retryAt - now);
      else if (slot.checkpoint !== null && (from === null || slot.checkpoint < from)) from = slot.checkpoint;
    }
    if (from === null) return sleep(timeoutMs, signal);
    await this.eventStore.waitForEventsAfter(from, { timeoutMs, signal }).catch(() => sleep(timeoutMs, signal));
  }

  /** Pages until caught up (or until the signal aborts, after the page in hand). */
  private async drain(slots: readonly Slot[], batchSize = this.batchSize, signal?: AbortSignal): Promise<{ events: number; checkpoint: bigint }> {
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
  private context(onFailure: 'record' | 'throw'): StepContext {
    return {
      eventStore: this.eventStore,
      readStore: this.readStore,
      batchSize: this.batchSize,
      hooks: {
        failed: (slot, error) => {
          // The store is the truth after a failure (the commit may or may not have landed): reload before retrying.
          slot.checkpoint = null;
          if (onFailure === 'throw') throw error;
          slot.lastError = describeError(error, (slot.lastError?.attempts ?? 0) + 1);
          this.logger.warn('projection batch failed; retrying', {
            projection: slot.projection.name,
            code: slot.lastError.code,
            error: slot.lastError.message,
            attempts: slot.lastError.attempts,
            retryInMs: slot.backoffMs,
          });
          slot.retryAt = Date.now() + slot.backoffMs;
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
            slot.rate.record(events, Date.now());
            this.notifyProgress();
          }
        },
      },
    };
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

const WOKEN = 'woken';

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
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
