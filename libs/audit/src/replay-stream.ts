import { type EventEnvelope, type EventStore, recordedTime } from '@robo/event-store';
import { aggregateFor } from './aggregates';
import { Change, diff } from './diff';
import { Slicer } from './cooperative';
import { asOfFilter, eventTime, TimeAxis } from './time-filter';

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
    return stepOf(event, state, diff(before, state));
  });
  const last = steps[steps.length - 1];
  return { stream, kind: aggregate?.kind ?? null, revision: last ? last.streamRevision : null, state, steps };
}

/** Reads a whole stream (page by page, in slices) and replays it, every step kept: for small streams and the CLI. */
export async function replayStream(store: EventStore, stream: string, limit: ReplayLimit = {}): Promise<StreamReplay> {
  return replayEvents(stream, await readWholeStream(store, stream, limit.toRevision), limit);
}

/** Events per read: small enough that one read is far below a slice. */
const PAGE = 1000;

/**
 * A stream's events page by page from `fromRevision`, up to `toRevision`; between two pages the event loop always
 * gets a turn (and within a page's work once a slice is used up, see Slicer), so reading a long stream never blocks
 * other requests for more than a page's worth of work.
 */
export async function* streamPages(
  store: EventStore,
  stream: string,
  options: { fromRevision?: bigint; toRevision?: bigint; slicer?: Slicer } = {},
): AsyncGenerator<EventEnvelope[]> {
  const slicer = options.slicer ?? new Slicer();
  const { toRevision } = options;
  for (let from = options.fromRevision ?? 0n; ; ) {
    const page = await store.readStream(stream, { fromRevision: from, maxCount: PAGE });
    const wanted = toRevision === undefined ? page : page.filter((e) => e.streamRevision <= toRevision);
    if (wanted.length > 0) yield wanted;
    if (page.length < PAGE || wanted.length < page.length) return;
    from = page[page.length - 1].streamRevision + 1n;
    await slicer.turn();
  }
}

export async function readWholeStream(store: EventStore, stream: string, toRevision?: bigint): Promise<EventEnvelope[]> {
  const events: EventEnvelope[] = [];
  for await (const page of streamPages(store, stream, { toRevision })) for (const event of page) events.push(event);
  return events;
}

/** An answer would be larger than the bound: the client is told how to ask for less. */
export class ResponseTooLargeError extends Error {
  readonly code = 'RESPONSE_TOO_LARGE';
  constructor(
    message: string,
    readonly details: { maxBytes: number; [hint: string]: unknown },
  ) {
    super(message);
    this.name = 'ResponseTooLargeError';
  }
}

/** Which steps to include: from a revision, at most `limit` of them and `maxBytes` of JSON. */
export interface StepsPage {
  fromRevision: bigint;
  limit: number;
  maxBytes: number;
}

export interface StreamState {
  stream: string;
  kind: string | null;
  /** Revision of the last event folded, or null when none was. */
  revision: number | null;
  eventCount: number;
  lastGlobalPosition: number | null;
  state: unknown;
  /** Only when steps were asked for: this page of them, and where the next page starts (null: none). */
  steps?: ReplayStep[];
  nextFromRevision?: number | null;
}

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? 'null');

/**
 * The state of a stream at a revision or an instant, folded in one pass over its events (linear in the events read,
 * in slices that give the event loop a turn). Steps (each event with the state after it and what it changed) are
 * built only for the page asked for: diffs cost as much as the state is large, so building one per event of a long
 * stream was quadratic. The state's JSON is bounded by `maxBytes` (ResponseTooLargeError past it).
 */
export async function streamState(store: EventStore, stream: string, limit: ReplayLimit, maxBytes: number, steps?: StepsPage): Promise<StreamState> {
  const aggregate = aggregateFor(stream);
  const slicer = new Slicer();
  const asOfMs = limit.asOf === undefined ? null : Date.parse(limit.asOf);
  const axis = limit.time ?? 'recorded';
  let state: unknown = aggregate ? aggregate.initial : null;
  let eventCount = 0;
  let revision: number | null = null;
  let lastGlobalPosition: number | null = null;
  const page: ReplayStep[] = [];
  let pageBytes = 0;
  let nextFromRevision: number | null = null;
  for await (const events of streamPages(store, stream, { toRevision: limit.toRevision, slicer })) {
    for (const event of events) {
      if (asOfMs !== null && eventTime(event, axis) > asOfMs) continue;
      const before = state;
      state = aggregate ? aggregate.evolve(state, { type: event.type, data: event.data }) : event.data;
      eventCount++;
      revision = Number(event.streamRevision);
      lastGlobalPosition = Number(event.globalPosition);
      if (steps !== undefined && nextFromRevision === null && event.streamRevision >= steps.fromRevision) {
        const step = page.length < steps.limit ? stepOf(event, state, diff(before, state)) : null;
        const bytes = step === null ? 0 : jsonBytes(step);
        if (step !== null && page.length === 0 && bytes > steps.maxBytes) {
          throw new ResponseTooLargeError(`the step at revision ${revision} alone is larger than ${steps.maxBytes} bytes`, {
            maxBytes: steps.maxBytes,
            hint: 'ask without steps=true for the state, or read the events with GET /api/streams/:stream/events',
          });
        }
        if (step === null || pageBytes + bytes > steps.maxBytes) nextFromRevision = revision;
        else {
          page.push(step);
          pageBytes += bytes;
        }
      }
      await slicer.pause();
    }
  }
  const answer: StreamState = { stream, kind: aggregate?.kind ?? null, revision, eventCount, lastGlobalPosition, state };
  if (steps !== undefined) Object.assign(answer, { steps: page, nextFromRevision });
  if (jsonBytes(state) + pageBytes > maxBytes) {
    throw new ResponseTooLargeError(`the state of ${stream} is larger than ${maxBytes} bytes`, {
      maxBytes,
      hint: 'read the events page by page with GET /api/streams/:stream/events?fromRevision=&limit=, or an earlier state with toRevision',
    });
  }
  return answer;
}

function stepOf(event: EventEnvelope, state: unknown, changes: Change[]): ReplayStep {
  return {
    globalPosition: Number(event.globalPosition),
    streamRevision: Number(event.streamRevision),
    type: event.type,
    occurredAt: event.metadata.occurredAt,
    recordedAt: recordedTime(event),
    actor: event.metadata.actor,
    correlationId: event.metadata.correlationId,
    causationId: event.metadata.causationId,
    eventId: event.metadata.eventId,
    data: event.data,
    state,
    changes,
  };
}
