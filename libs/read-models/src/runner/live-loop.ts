import { groupStep, type StepContext } from './group-step';
import { loadIfEmpty } from './initial-load';
import type { LeaseKeeper } from './lease-keeper';
import { holdAll } from './mutex';
import type { RunnerCore } from './runner-core';
import type { ProjectionRunnerOptions, WorkerSteps } from './runner-options';
import type { Slot } from './slot';
import { nextTurn, sleep } from './timing';
import { stepInWorker } from './worker-step';

/** A fixed abort reason: abort() without one builds a DOMException (and its stack) on every idle wake-up. */
const WOKEN = 'woken';

/**
 * The live loop: reads a page once, applies it to every projection, and commits each projection's documents with the
 * page's last position as its checkpoint. A failing projection is retried after a backoff while the others go on; a
 * projection held by a rebuild or a dead-letter retry is left out of the page, not waited for. Projections stepped in
 * a worker thread (WorkerSteps) step on their own, neither waiting for this thread nor it for them.
 */
export class LiveLoop {
  private abort: AbortController | null = null;
  private loopPromise: Promise<void> | null = null;

  constructor(
    private readonly core: RunnerCore,
    private readonly lease: LeaseKeeper | null,
    private readonly initialLoad: ProjectionRunnerOptions['initialLoad'] | null,
    private readonly worker: WorkerSteps | null,
    private readonly idleWaitMs: number,
  ) {}

  /** True from start() until stop() resolves. */
  get running(): boolean {
    return this.loopPromise !== null;
  }

  start(): boolean {
    if (this.abort) return false;
    const abort = new AbortController();
    this.abort = abort;
    this.loopPromise = this.loop(abort.signal);
    return true;
  }

  /** Lets the loop finish and commit the page it is on, then ends the worker and hands the lease over. */
  async stop(): Promise<boolean> {
    const abort = this.abort;
    if (!abort) return false;
    abort.abort();
    await this.loopPromise;
    this.loopPromise = null;
    this.abort = null;
    await this.worker?.close().catch(() => undefined);
    await this.lease?.release();
    return true;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const context = this.core.context('record');
    const all = [...this.core.slots.values()];
    let loadLooked = this.initialLoad === null;
    let workerStep: Promise<number> | null = null;
    while (!signal.aborted) {
      // The locks of the last step are released in callbacks still queued; after this turn, busy means held by others
      // (and requests waiting on the event loop get their turn between pages).
      await nextTurn();
      if (this.lease && !(await this.lease.hold(all, signal))) continue;
      if (!loadLooked) {
        // Looked at once per start, by the instance that holds the lease.
        loadLooked = true;
        await loadIfEmpty(this.core, all, this.initialLoad!, this.lease, signal);
        continue;
      }
      const now = this.core.clock.nowMs();
      // A projection held by a rebuild or a dead-letter retry is left out, not waited for.
      const ready = all.filter((slot) => slot.retryAt <= now && !slot.lock.busy);
      const inWorker = this.worker ? ready.filter((slot) => this.worker!.names.includes(slot.projection.name)) : [];
      const inThread = ready.filter((slot) => !inWorker.includes(slot));
      // The worker's projections step on their own: this thread neither waits for them (a worker starting up, a
      // slower page) nor they for it. Their locks are held while a step is in flight, so they are not ready meanwhile.
      if (inWorker.length > 0 && workerStep === null) {
        workerStep = holdingStep(inWorker, context, () => stepInWorker(this.worker!, inWorker, context)).finally(() => {
          workerStep = null;
        });
      }
      const read = await holdingStep(inThread, context, () => groupStep(inThread, context));
      if (read > 0 || signal.aborted) continue;
      if (workerStep === null) {
        await this.idle(all, signal);
        continue;
      }
      // Woken by new events, by a retry falling due, or by the worker's step finishing.
      const wake = new AbortController();
      const stopped = () => wake.abort(WOKEN);
      signal.addEventListener('abort', stopped, { once: true });
      void workerStep.finally(stopped);
      await this.idle(all, wake.signal);
      signal.removeEventListener('abort', stopped);
    }
    // Stopped: nothing may still be in flight when stop() resolves.
    await workerStep;
  }

  /** Waits for new events, or until the next projection is due for a retry, or briefly while one is held elsewhere. */
  private async idle(slots: readonly Slot[], signal: AbortSignal): Promise<void> {
    // As in the loop: the step's own locks must be released before busy is read.
    await nextTurn();
    const now = this.core.clock.nowMs();
    let timeoutMs = this.idleWaitMs;
    let from: bigint | null = null;
    for (const slot of slots) {
      if (slot.lock.busy) timeoutMs = Math.min(timeoutMs, 50);
      else if (slot.retryAt > now) timeoutMs = Math.min(timeoutMs, slot.retryAt - now);
      else if (slot.checkpoint !== null && (from === null || slot.checkpoint < from)) from = slot.checkpoint;
    }
    if (from === null) return sleep(timeoutMs, signal);
    await this.core.eventStore.waitForEventsAfter(from, { timeoutMs, signal }).catch(() => sleep(timeoutMs, signal));
  }
}

/** One step under the slots' locks; a failure is recorded for each of them (retried after a backoff). Events read. */
async function holdingStep(slots: readonly Slot[], context: StepContext, run: () => Promise<number>): Promise<number> {
  if (slots.length === 0) return 0;
  try {
    return await holdAll(slots.map((slot) => slot.lock), run);
  } catch (error) {
    for (const slot of slots) context.hooks.failed(slot, error);
    return 0;
  }
}
