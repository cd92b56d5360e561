import { groupStep, type StepContext } from './group-step';
import { holdAll } from './mutex';
import type { RunnerCore } from './runner-core';
import type { WorkerSteps, StepReport } from './runner-options';
import type { Slot } from './slot';

/**
 * One step of the named projections, as the live loop makes it, from their stored checkpoints (another thread may
 * have moved them): what a WorkerSteps runs in its worker thread. Failures are thrown.
 */
export async function stepOnce(core: RunnerCore, names: readonly string[], batchSize: number): Promise<StepReport> {
  const slots = names.map((name) => core.slot(name));
  return holdAll(slots.map((slot) => slot.lock), async () => {
    for (const slot of slots) {
      // Read again (cheap); a first step (null) also makes sure the collections exist.
      if (slot.checkpoint !== null) slot.checkpoint = await core.readStore.getCheckpoint(slot.projection.name);
      slot.lastParkedError = null;
    }
    const read = await groupStep(slots, { ...core.context('throw'), batchSize });
    const projections: StepReport['projections'] = {};
    for (const slot of slots) projections[slot.projection.name] = { checkpoint: slot.checkpoint ?? 0n, parkedError: slot.lastParkedError };
    return { read, projections };
  });
}

/** The live loop's side of a step made in a worker thread: one page there, then its slots take the checkpoints it reports. */
export async function stepInWorker(worker: WorkerSteps, slots: readonly Slot[], context: StepContext): Promise<number> {
  const report = await worker.step(
    slots.map((slot) => slot.projection.name),
    context.batchSize,
  );
  for (const slot of slots) {
    const done = report.projections[slot.projection.name];
    if (!done) throw new Error(`the worker step did not report projection ${slot.projection.name}`);
    const events = slot.checkpoint === null || done.checkpoint > slot.checkpoint ? report.read : 0;
    slot.checkpoint = done.checkpoint;
    context.hooks.succeeded(slot, events, done.parkedError ? { changes: [], park: [], lastError: done.parkedError } : null);
  }
  return report.read;
}
