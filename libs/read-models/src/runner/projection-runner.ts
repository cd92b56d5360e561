import { retryDeadLetters, type RetryResult } from './dead-letter-retry';
import { LeaseKeeper } from './lease-keeper';
import { LiveLoop } from './live-loop';
import { waitForPosition } from './progress';
import { rebuildMany, verifiedRebuild } from './rebuilds';
import { RunnerCore } from './runner-core';
import type { ProjectionRunnerOptions, ProjectionStatus, WorkerRebuilds, RebuildResult, StepReport, VerifiedRebuildOptions } from './runner-options';
import type { VerificationResult } from './shadow-rebuild';
import { projectionStatus } from './status';
import { stepOnce } from './worker-step';

export * from './runner-options';
export type { RetryResult } from './dead-letter-retry';
export { SHADOW_SUFFIX, type CollectionComparison, type VerificationResult } from './shadow-rebuild';
export { docKey } from './batch';
export type { ProjectionErrorInfo } from './slot';

/**
 * Runs projections over the event log, each with its own checkpoint, in one loop: it reads a page once, applies it
 * to every projection, and commits each projection's documents with the page's last position as its checkpoint
 * (all in one transaction where the store can), so a crash replays at most the uncommitted page and nothing is
 * applied twice. Failures (store unavailable) are recorded per projection and retried with backoff while the
 * others go on; events a projection cannot apply are parked. The loop never exits on its own.
 *
 * The parts: the live loop (live-loop.ts), the projector lease (lease-keeper.ts), the initial load (initial-load.ts),
 * rebuilds and verified rebuilds (rebuilds.ts), status and lag (status.ts), waiting for progress (progress.ts) and
 * steps made in a worker thread (worker-step.ts), over the state they share (runner-core.ts).
 */
export class ProjectionRunner {
  private readonly core: RunnerCore;
  private readonly lease: LeaseKeeper | null;
  private readonly live: LiveLoop;

  constructor(options: ProjectionRunnerOptions) {
    this.core = new RunnerCore(options);
    this.lease = options.lease ? new LeaseKeeper(options.lease, options.readStore, this.core.logger, this.core.clock) : null;
    this.live = new LiveLoop(this.core, this.lease, options.initialLoad ?? null, options.workerSteps ?? null, options.idleWaitMs ?? 1000);
  }

  /** Starts the loop; returns at once. Calling it again while running does nothing. */
  start(): void {
    if (this.live.start()) this.core.logger.info('projections started', { projections: this.projectionNames });
  }

  /** Lets the loop finish and commit the page it is on, then resolves. */
  async stop(): Promise<void> {
    if (await this.live.stop()) this.core.logger.info('projections stopped');
  }

  /** Processes pages until the projection has caught up with the log as it was when each page was read. Errors are thrown. */
  async runOnce(name: string): Promise<{ events: number; checkpoint: bigint }> {
    const slot = this.core.slot(name);
    return slot.lock.run(() => this.core.drain([slot]));
  }

  /** Drops the projection's documents and checkpoint, then projects the whole log again. */
  async rebuild(name: string): Promise<{ events: number; checkpoint: bigint }> {
    return this.rebuildMany([name]);
  }

  /**
   * Rebuilds several projections (all by default) in one pass over the log: each log event is read once for all.
   * Their secondary indexes are dropped for the load and created again at the end. Resolves with the log events read
   * and the lowest checkpoint reached. With `workers`, the projections it names are rebuilt by it at the same time
   * (in another thread, into a store of their own) while this runner rebuilds the rest.
   */
  async rebuildMany(names: readonly string[] = this.projectionNames, options: { workers?: WorkerRebuilds; signal?: AbortSignal } = {}): Promise<RebuildResult> {
    return rebuildMany(this.core, names, options);
  }

  /** Names of the projections this runner knows, in registration order. */
  get projectionNames(): string[] {
    return [...this.core.slots.keys()];
  }

  has(name: string): boolean {
    return this.core.slots.has(name);
  }

  /** Re-applies one dead letter (and those blocked behind it) or all of a projection's; see retryDeadLetters. */
  async retryDeadLetters(name: string, which: { id: string } | { all: true }): Promise<RetryResult> {
    const slot = this.core.slot(name);
    return slot.lock.run(() => retryDeadLetters(slot.target, this.core.eventStore, this.core.readStore, which, this.core.clock.now()));
  }

  /** A rebuild into shadow collections, compared with the live copy and swapped in when they match: see rebuilds.ts. */
  async verifiedRebuild(name: string, options: VerifiedRebuildOptions = {}): Promise<VerificationResult> {
    return verifiedRebuild(this.core, name, options);
  }

  async status(): Promise<ProjectionStatus[]> {
    const lease = this.lease ? { held: this.lease.held, holder: this.lease.holder } : null;
    return projectionStatus(this.core, { running: this.live.running, lease });
  }

  /**
   * Resolves true once every named projection (all by default) has committed a checkpoint >= position,
   * false after timeoutMs. Projections this runner is not running are read from the store, so it also
   * works when another process runs them.
   */
  async waitForPosition(position: bigint, timeoutMs: number, projectionNames?: readonly string[]): Promise<boolean> {
    const slots = (projectionNames ?? this.projectionNames).map((name) => this.core.slot(name));
    return waitForPosition(slots, position, timeoutMs, { readStore: this.core.readStore, progress: this.core.progress, clock: this.core.clock, loopRunsHere: () => this.live.running });
  }

  /**
   * One step of the named projections, as the live loop makes it, from their stored checkpoints (another thread may
   * have moved them): what a WorkerSteps runs in its worker thread. Failures are thrown.
   */
  async stepOnce(names: readonly string[], batchSize = this.core.batchSize): Promise<StepReport> {
    return stepOnce(this.core, names, batchSize);
  }
}
