import type { WallClock } from '@robo/clock';
import type { EventEnvelope, EventStore } from '@robo/event-store';
import type { DeadLetterStore, DocumentReader, ProjectionCommitStore } from '../read-model-store.port';
import { blockedKeysOf, projectPage, type PageResult } from './batch';
import type { Slot } from './slot';

export interface StepHooks {
  /** A projection's page could not be read, loaded or committed: record it (live loop) or throw (runOnce, rebuild). */
  failed(slot: Slot, error: unknown): void;
  /** A page was committed (or there was nothing to do: events 0) for this projection. */
  succeeded(slot: Slot, events: number, parked: PageResult | null): void;
}

export interface StepContext {
  eventStore: EventStore;
  readStore: DocumentReader & ProjectionCommitStore & DeadLetterStore;
  batchSize: number;
  clock: WallClock;
  hooks: StepHooks;
}

interface Work {
  slot: Slot;
  events: number;
  result: PageResult;
}

/**
 * One step for several projections: reads one page after the lowest checkpoint (each event's JSON is parsed once,
 * not once per projection), hands each projection the events past its own checkpoint, and commits them together,
 * each with its checkpoint. Projections already past that page get the next page within the same step, so one far
 * behind (just reset) does not hold the others back. Returns the number of log events read.
 */
export async function groupStep(slots: readonly Slot[], ctx: StepContext): Promise<number> {
  const { eventStore, readStore, batchSize, hooks } = ctx;
  let pending: Slot[] = [];
  for (const slot of slots) {
    if (slot.checkpoint === null) {
      try {
        await readStore.ensureCollections(slot.projection.collections);
        slot.checkpoint = await readStore.getCheckpoint(slot.projection.name);
      } catch (error) {
        hooks.failed(slot, error);
        continue;
      }
    }
    pending.push(slot);
  }
  let read = 0;
  while (pending.length > 0) {
    const from = pending.reduce((min, slot) => (slot.checkpoint! < min ? slot.checkpoint! : min), pending[0]!.checkpoint!);
    let events: EventEnvelope[];
    try {
      events = await eventStore.readAll({ after: from, maxCount: batchSize });
    } catch (error) {
      for (const slot of pending) hooks.failed(slot, error);
      break;
    }
    read += events.length;
    const last = events[events.length - 1];
    if (!last) {
      for (const slot of pending) hooks.succeeded(slot, 0, null);
      break;
    }
    const served = pending.filter((slot) => slot.checkpoint! < last.globalPosition);
    const ahead = pending.filter((slot) => slot.checkpoint! >= last.globalPosition);
    const work: Work[] = [];
    for (const slot of served) {
      const page = events.slice(firstAfter(events, slot.checkpoint!));
      try {
        // Read every page: a retry from another process (the CLI) may have emptied the list since.
        const blocked = blockedKeysOf(await readStore.listDeadLetters({ projection: slot.projection.name }));
        work.push({ slot, events: page.length, result: await projectPage(slot.target, page, readStore, blocked, ctx.clock.now()) });
      } catch (error) {
        hooks.failed(slot, error);
      }
    }
    await commitAll(work, last.globalPosition, ctx);
    // A short page ends at the head: the projections past it are caught up.
    if (events.length < batchSize) {
      for (const slot of ahead) hooks.succeeded(slot, 0, null);
      break;
    }
    pending = ahead;
  }
  return read;
}

/** The checkpoint moves to the page's end even when no event in it concerned a projection, or one was parked. */
async function commitAll(work: readonly Work[], position: bigint, ctx: StepContext): Promise<void> {
  if (work.length === 0) return;
  const commitOf = ({ slot, result }: Work) => ({
    projection: slot.projection.name,
    changes: result.changes,
    checkpoint: position,
    deadLetters: result.park.length > 0 ? { park: result.park } : undefined,
  });
  try {
    await ctx.readStore.commitMany(work.map(commitOf));
  } catch (error) {
    if (work.length === 1) return ctx.hooks.failed(work[0]!.slot, error);
    // One projection's failure (its checkpoint moved elsewhere, say) must not stop the others: commit one by one.
    for (const item of work) {
      const c = commitOf(item);
      try {
        await ctx.readStore.commit(c.projection, c.changes, c.checkpoint, c.deadLetters);
      } catch (single) {
        ctx.hooks.failed(item.slot, single);
        continue;
      }
      item.slot.checkpoint = position;
      ctx.hooks.succeeded(item.slot, item.events, item.result);
    }
    return;
  }
  for (const item of work) {
    item.slot.checkpoint = position;
    ctx.hooks.succeeded(item.slot, item.events, item.result);
  }
}

/** Index of the first event after position (events are in log order). */
function firstAfter(events: readonly EventEnvelope[], position: bigint): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid]!.globalPosition <= position) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
