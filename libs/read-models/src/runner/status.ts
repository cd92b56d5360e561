import type { EventStore } from '@robo/event-store';
import type { RunnerCore } from './runner-core';
import type { ProjectionStatus } from './runner-options';

/** What the live loop looks like from outside, for status(). */
export interface LoopState {
  running: boolean;
  /** Null without a lease. */
  lease: { held: boolean; holder: string | null } | null;
}

/** Each projection's checkpoint, lag (events or bytes, and seconds), rate, failures and parked events. */
export async function projectionStatus(core: RunnerCore, loop: LoopState): Promise<ProjectionStatus[]> {
  const { eventStore, readStore } = core;
  const head = await eventStore.headPosition().catch(() => null);
  const parked = await readStore.countDeadLetters().catch(() => null);
  const now = core.clock.nowMs();
  const result: ProjectionStatus[] = [];
  for (const slot of core.slots.values()) {
    const name = slot.projection.name;
    const checkpoint = slot.checkpoint ?? (await readStore.getCheckpoint(name).catch(() => null));
    // In the store's position unit: events on SQLite, bytes on EventStoreDB.
    const lag = head !== null && checkpoint !== null ? (head > checkpoint ? head - checkpoint : 0n) : null;
    const inBytes = eventStore.positionUnit === 'bytes';
    result.push({
      name,
      checkpoint,
      head,
      lagEvents: inBytes ? null : lag,
      lagBytes: inBytes ? lag : null,
      lagSeconds: lag === null ? null : lag === 0n ? 0 : await lagSeconds(eventStore, checkpoint!, now),
      caughtUp: lag === 0n,
      running: loop.running,
      lastError: slot.lastError,
      eventsPerSecond: slot.rate.perSecond(now),
      parked: parked === null ? null : (parked[name] ?? 0),
      lastParkedError: slot.lastParkedError,
      standby: loop.running && loop.lease !== null && !loop.lease.held,
      leaseHolder: loop.lease ? loop.lease.holder : null,
    });
  }
  return result;
}

/** Seconds since the oldest event after the checkpoint was recorded. */
async function lagSeconds(eventStore: EventStore, checkpoint: bigint, now: number): Promise<number | null> {
  const [next] = await eventStore.readAll({ after: checkpoint, maxCount: 1 }).catch(() => []);
  if (!next) return 0;
  const recorded = Date.parse(next.recordedAt);
  return Number.isNaN(recorded) ? null : Math.max(0, (now - recorded) / 1000);
}
