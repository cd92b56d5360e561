import type { EventEnvelope, EventStore } from '@robo/event-store';
import { aggregateFor } from './aggregates';
import { Change, diff } from './diff';
import { asOfFilter, TimeAxis } from './time-filter';

export interface ReplayStep {
  globalPosition: number;
  streamRevision: number;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actor: string;
  correlationId: string;
  causationId: string | null;
  eventId: string;
  data: unknown;
  /** The aggregate's state after this event. */
  state: unknown;
  /** What this event changed in the state. */
  changes: Change[];
}

export interface StreamReplay {
  stream: string;
  kind: string | null;
  /** Revision of the last event folded, or null when none was. */
  revision: number | null;
  state: unknown;
  steps: ReplayStep[];
}

export type ReplayLimit = { toRevision?: bigint; asOf?: string; time?: TimeAxis };

/** Folds one stream's events in order, keeping the state after each event and what it changed. */
export function replayEvents(stream: string, events: readonly EventEnvelope[], limit: ReplayLimit = {}): StreamReplay {
  const aggregate = aggregateFor(stream);
  let selected = limit.toRevision === undefined ? [...events] : events.filter((e) => e.streamRevision <= limit.toRevision!);
  if (limit.asOf !== undefined) selected = asOfFilter(selected, limit.asOf, limit.time ?? 'recorded');
  let state: unknown = aggregate ? aggregate.initial : null;
  const steps: ReplayStep[] = selected.map((event) => {
    const before = state;
    // Streams without a known aggregate (e.g. credentials) replay as their events' data.
    state = aggregate ? aggregate.evolve(state, { type: event.type, data: event.data }) : event.data;
    return {
      globalPosition: Number(event.globalPosition),
      streamRevision: Number(event.streamRevision),
      type: event.type,
      occurredAt: event.metadata.occurredAt,
      recordedAt: event.recordedAt,
      actor: event.metadata.actor,
      correlationId: event.metadata.correlationId,
      causationId: event.metadata.causationId,
      eventId: event.metadata.eventId,
      data: event.data,
      state,
      changes: diff(before, state),
    };
  });
  const last = steps[steps.length - 1];
  return { stream, kind: aggregate?.kind ?? null, revision: last ? last.streamRevision : null, state, steps };
}

/** Reads a whole stream (page by page) and replays it. */
export async function replayStream(store: EventStore, stream: string, limit: ReplayLimit = {}): Promise<StreamReplay> {
  return replayEvents(stream, await readWholeStream(store, stream, limit.toRevision), limit);
}

export async function readWholeStream(store: EventStore, stream: string, toRevision?: bigint): Promise<EventEnvelope[]> {
  const events: EventEnvelope[] = [];
  for (let from = 0n; ; ) {
    const page = await store.readStream(stream, { fromRevision: from, maxCount: 5000 });
    for (const event of page) {
      if (toRevision !== undefined && event.streamRevision > toRevision) return events;
      events.push(event);
    }
    if (page.length < 5000) return events;
    from = page[page.length - 1].streamRevision + 1n;
  }
}
