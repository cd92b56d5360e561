import { CheckpointMovedError } from '../errors';
import { holdAll } from './mutex';
import type { RunnerCore } from './runner-core';
import { combineRebuilds, type WorkerRebuilds, type RebuildResult, type VerifiedRebuildOptions } from './runner-options';
import { compareWithShadow, drainTo, shadowTarget, type VerificationResult } from './shadow-rebuild';
import type { Slot } from './slot';

/**
 * Rebuilds several projections in one pass over the log: each log event is read once for all. Their secondary
 * indexes are dropped for the load and created again at the end. With `workers`, the projections it names are
 * rebuilt by it at the same time (in another thread, into a store of their own) while this thread rebuilds the rest.
 */
export async function rebuildMany(core: RunnerCore, names: readonly string[], options: { workers?: WorkerRebuilds; signal?: AbortSignal } = {}): Promise<RebuildResult> {
  const slots = [...new Set(names)].map((name) => core.slot(name));
  const inWorker = options.workers ? slots.filter((slot) => options.workers!.names.includes(slot.projection.name)) : [];
  const inThread = slots.filter((slot) => !inWorker.includes(slot));
  return holdAll(slots.map((slot) => slot.lock), async () => {
    const remote = inWorker.length > 0 ? options.workers!.rebuild(inWorker.map((slot) => slot.projection.name), options.signal) : null;
    // Wait for the other side even when this one fails: nothing may still be writing when this returns.
    const [local, other] = await Promise.allSettled([inThread.length > 0 ? rebuildInThread(core, inThread, options.signal) : null, remote]);
    for (const slot of inWorker) slot.checkpoint = null;
    if (local.status === 'rejected') throw local.reason;
    if (other.status === 'rejected') throw other.reason;
    return combineRebuilds([local.value, other.value].filter((r): r is RebuildResult => r !== null));
  });
}

async function rebuildInThread(core: RunnerCore, slots: Slot[], signal?: AbortSignal): Promise<RebuildResult> {
  const { readStore } = core;
  const specs = slots.flatMap((slot) => slot.projection.collections);
  await readStore.ensureCollections(specs);
  await readStore.dropIndexes(specs.map((spec) => spec.name));
  for (const slot of slots) {
    await readStore.reset(slot.projection.name, slot.projection.collections.map((c) => c.name));
    slot.checkpoint = 0n;
  }
  core.logger.info('projections reset for rebuild', { projections: slots.map((slot) => slot.projection.name) });
  try {
    return await core.drain(slots, core.rebuildBatchSize, signal);
  } finally {
    await readStore.ensureCollections(specs);
  }
}

/**
 * Rebuilds the projection into shadow collections from position 0 while the live copy keeps serving and its loop
 * keeps running; once the shadow reaches the live checkpoint (the live loop is held for that last step only),
 * compares the two and swaps the shadow in atomically when they match, or when forced. Without a swap the shadow
 * is emptied again. Safe across processes: the swap is refused if the live checkpoint moved after the comparison,
 * and the comparison is then made again (up to 5 times).
 */
export async function verifiedRebuild(core: RunnerCore, name: string, options: VerifiedRebuildOptions = {}): Promise<VerificationResult> {
  const { eventStore, readStore, logger } = core;
  const slot = core.slot(name);
  const live = slot.target;
  const shadow = shadowTarget(live);
  const shadowCollections = slot.projection.collections.map((spec) => shadow.physical(spec.name));
  const shadowSpecs = slot.projection.collections.map((spec) => ({ ...spec, name: shadow.physical(spec.name) }));
  await readStore.ensureCollections(shadowSpecs);
  await readStore.reset(shadow.storeName, shadowCollections);
  // Nobody reads the shadow while it loads: its indexes are made once, over the loaded rows, before the comparison.
  await readStore.dropIndexes(shadowCollections);
  logger.info('shadow rebuild started', { projection: name });
  for (let attempt = 1; ; attempt += 1) {
    // Catch up without holding the live loop, then close the last gap under its lock.
    await drainTo(shadow, await readStore.getCheckpoint(name), eventStore, readStore, core.rebuildBatchSize, core.clock);
    await readStore.ensureCollections(shadowSpecs);
    try {
      const result = await slot.lock.run(async (): Promise<VerificationResult> => {
        const position = await readStore.getCheckpoint(name);
        await drainTo(shadow, position, eventStore, readStore, core.batchSize, core.clock);
        const collections = await compareWithShadow(live, shadow, readStore);
        const matched = collections.every((c) => c.liveCount === c.shadowCount && c.liveChecksum === c.shadowChecksum);
        const swap = (options.swap ?? true) && (matched || options.force === true);
        if (swap) {
          await readStore.promoteShadow({
            projection: name,
            shadowProjection: shadow.storeName,
            collections: slot.projection.collections.map((spec) => ({ live: spec.name, shadow: shadow.physical(spec.name) })),
            expectedCheckpoint: position,
          });
          slot.checkpoint = null;
        }
        return { projection: name, position, matched, swapped: swap, collections };
      });
      if (!result.swapped) await readStore.reset(shadow.storeName, shadowCollections);
      logger.info('shadow rebuild finished', { projection: name, matched: result.matched, swapped: result.swapped, position: String(result.position) });
      core.progress.notify();
      return result;
    } catch (error) {
      if (!(error instanceof CheckpointMovedError) || attempt >= 5) throw error;
      logger.warn('live checkpoint moved during the comparison; comparing again', { projection: name, attempt });
    }
  }
}
