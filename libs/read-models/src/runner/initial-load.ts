import type { LeaseKeeper } from './lease-keeper';
import { rebuildMany } from './rebuilds';
import type { RunnerCore } from './runner-core';
import type { WorkerRebuilds } from './runner-options';
import type { Slot } from './slot';

/**
 * The initial load (ProjectionRunnerOptions.initialLoad): on a read store where nothing was projected yet (every
 * checkpoint 0, no dead letters) and a log of at least minEvents, loads the log as a rebuild does. Never fatal: a
 * failure is logged and the loop pages on from the checkpoints reached.
 */
export async function loadIfEmpty(
  core: RunnerCore,
  slots: readonly Slot[],
  load: { minEvents: number; workers?: WorkerRebuilds },
  lease: LeaseKeeper | null,
  signal: AbortSignal,
): Promise<void> {
  const { eventStore, readStore, logger } = core;
  let head: bigint;
  try {
    head = await eventStore.headPosition();
    if (head < BigInt(load.minEvents)) return;
    for (const slot of slots) if ((await readStore.getCheckpoint(slot.projection.name)) !== 0n) return;
    if ((await readStore.listDeadLetters({ limit: 1 })).length > 0) return;
  } catch {
    return; // the loop meets the same failure and records it
  }
  const names = slots.map((slot) => slot.projection.name);
  logger.info('initial load: the read store is empty, loading the log as a rebuild does', { events: Number(head), workers: load.workers?.names ?? [] });
  const started = core.clock.monotonicMs();
  // The loop does not come round to renew the lease while the load runs.
  const stopRenewing = lease?.keepRenewing() ?? null;
  try {
    const result = await rebuildMany(core, names, { workers: load.workers, signal });
    if (!signal.aborted) logger.info('initial load done', { checkpoint: String(result.checkpoint), seconds: (core.clock.monotonicMs() - started) / 1000 });
  } catch (error) {
    if (!signal.aborted) logger.warn('initial load failed; projecting page by page from the checkpoints reached', { error: error instanceof Error ? error.message : String(error) });
  } finally {
    stopRenewing?.();
    for (const slot of slots) slot.checkpoint = null;
    core.progress.notify();
  }
}
