import {
  type AllStreamResolvedEvent,
  BACKWARDS,
  END,
  type EventStoreDBClient,
  FORWARDS,
  type ReadPosition,
  START,
  StreamDeletedError,
  StreamNotFoundError,
} from '@eventstore/db-client';
import type { EventEnvelope } from '../envelope';
import type { AllFilter } from '../event-store.port';
import { StoreRequestFailedError } from '../errors';
import { mapEsdbError } from './esdb-errors';
import { type EsdbRecord, matchesFilter, toEnvelope, toReadPosition } from './esdb-mapping';
import { type CancellableRead, readUntil } from './esdb-reads';

/*
 * The reads of the log on one client: a stream, $all forwards from a position, $all backwards, one event at a
 * position. System records, claim records and events not written by this adapter are skipped (toEnvelope answers null).
 */

/** Records read from $all per request; system and claim records are skipped client-side. */
export const ALL_PAGE = 512;

export function checkMaxCount(maxCount: number): number {
  if (!Number.isSafeInteger(maxCount) || maxCount < 0) throw new RangeError(`maxCount must be a non-negative integer, got ${maxCount}`);
  return maxCount;
}

export async function readStreamEvents(
  client: EventStoreDBClient,
  streamName: string,
  options: { direction?: 'forwards' | 'backwards'; fromRevision?: bigint; maxCount: number | undefined },
): Promise<EventEnvelope[]> {
  const { maxCount } = options;
  const backwards = options.direction === 'backwards';
  const events: EventEnvelope[] = [];
  try {
    const reading = client.readStream(streamName, {
      direction: backwards ? BACKWARDS : FORWARDS,
      fromRevision: options.fromRevision ?? (backwards ? END : START),
      ...(maxCount === undefined ? {} : { maxCount }),
    });
    await readUntil(reading, (resolved) => {
      const envelope = resolved.event ? toEnvelope(resolved.event as EsdbRecord) : null;
      if (envelope !== null) events.push(envelope);
    });
  } catch (error) {
    // The port reads an unknown (or deleted) stream as empty.
    if (error instanceof StreamNotFoundError || error instanceof StreamDeletedError) return [];
    throw mapEsdbError(error, `reading ${streamName}`);
  }
  return events;
}

/** Up to maxCount application events after `after` (exclusive), oldest first, matching the filter. */
export async function readAllForwards(client: EventStoreDBClient, start: bigint, maxCount: number, filter: AllFilter | undefined): Promise<EventEnvelope[]> {
  const events: EventEnvelope[] = [];
  let after = start;
  let from: ReadPosition = toReadPosition(after);
  try {
    for (;;) {
      let received = 0;
      let last: bigint | undefined;
      const page: CancellableRead<AllStreamResolvedEvent> = client.readAll({ fromPosition: from, maxCount: ALL_PAGE, direction: FORWARDS });
      const complete = await readUntil(page, (resolved) => {
        received += 1;
        const record = resolved.event;
        if (!record) return;
        from = record.position;
        last = record.position.commit;
        // Reads of $all start AT the given position; the port's `after` is exclusive.
        if (record.position.commit <= after) return;
        const envelope = toEnvelope(record);
        if (envelope === null || !matchesFilter(envelope, filter)) return;
        events.push(envelope);
        if (events.length >= maxCount) return 'stop';
      });
      if (!complete || received < ALL_PAGE || last === undefined) return events;
      after = last;
    }
  } catch (error) {
    throw mapEsdbError(error, 'reading $all');
  }
}

/** Up to maxCount application events before `before` (exclusive; the end when undefined), newest first, in pages of pageSize. */
export async function scanBackwards(client: EventStoreDBClient, before: bigint | undefined, maxCount: number, pageSize: number): Promise<EventEnvelope[]> {
  const events: EventEnvelope[] = [];
  let from: ReadPosition = before === undefined ? END : { commit: before, prepare: before };
  let seen: bigint | null = null;
  for (;;) {
    let received = 0;
    const page: CancellableRead<AllStreamResolvedEvent> = client.readAll({ fromPosition: from, maxCount: pageSize, direction: BACKWARDS });
    const complete = await readUntil(page, (resolved) => {
      received += 1;
      const record = resolved.event;
      // A page may start with the record the previous one ended on; `before` is exclusive.
      if (!record || (seen !== null && record.position.commit >= seen)) return;
      seen = record.position.commit;
      from = record.position;
      if (before !== undefined && record.position.commit >= before) return;
      const envelope = toEnvelope(record);
      if (envelope === null) return;
      events.push(envelope);
      if (events.length >= maxCount) return 'stop';
    });
    if (!complete || received < pageSize) return events;
  }
}

/**
 * The event at exactly this position: a read of $all from it, one record. EventStoreDB refuses a position that
 * is not where a record starts (positions are byte offsets): that answers null, as does a record that is not
 * one of this application's events.
 */
export async function readEventAt(client: EventStoreDBClient, globalPosition: bigint): Promise<EventEnvelope | null> {
  let found: EventEnvelope | null = null;
  try {
    await readUntil(client.readAll({ fromPosition: { commit: globalPosition, prepare: globalPosition }, maxCount: 1, direction: FORWARDS }), (resolved) => {
      const record = resolved.event;
      if (record && record.position.commit === globalPosition) found = toEnvelope(record);
      return 'stop';
    });
  } catch (error) {
    const mapped = mapEsdbError(error, `reading the event at ${globalPosition}`);
    if (mapped instanceof StoreRequestFailedError) return null;
    throw mapped;
  }
  return found;
}
