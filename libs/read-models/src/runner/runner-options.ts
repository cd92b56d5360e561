import type { WallClock } from '@robo/clock';
import type { EventStore } from '@robo/event-store';
import type { Projection } from '../projection';
import type { RunnerStore } from '../read-model-store.port';
import type { ProjectionErrorInfo } from './slot';

/** What a ProjectionRunner is given, and what it answers: the types of its public API. */

/** Structured logging without tying the library to pino or Nest; adapt either in one line. */
export interface ProjectionRunnerLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface ProjectionRunnerOptions {
  eventStore: EventStore;
  readStore: RunnerStore;
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
  /** Wall time for backoffs, leases, rates, lag and dead-letter stamps; the system's by default. */
  clock?: WallClock;
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
   * their indexes, `workers` in another thread), then goes on page by page. Much faster than paging through a large
   * log from the start; reads made meanwhile find fewer documents and no indexes. `minEvents` is compared with the
   * head position, which counts events in the SQLite log (EventStoreDB's positions are larger than its event count).
   */
  initialLoad?: { minEvents: number; workers?: WorkerRebuilds };
  /**
   * Projections whose pages the live loop has projected elsewhere (a worker thread with its own connections, writing
   * a store of their own), at the same time as it projects the others here. Their slots stay here: status, locks
   * (rebuilds and retries wait for a step in flight), checkpoints and backoff work as for the others.
   */
  workerSteps?: WorkerSteps;
}

/** One page of some projections projected and committed elsewhere (see ProjectionRunnerOptions.workerSteps). */
export interface WorkerSteps {
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
export interface WorkerRebuilds {
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

export const silentLogger: ProjectionRunnerLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
