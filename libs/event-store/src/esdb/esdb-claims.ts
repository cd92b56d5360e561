import { randomUUID } from 'node:crypto';
import { EventStoreDBClient, jsonEvent, NO_STREAM, StreamNotFoundError, WrongExpectedVersionError as EsdbWrongExpectedVersionError } from '@eventstore/db-client';
import { CLAIM_EVENT_TYPE, CLAIM_STREAM_PREFIX } from './esdb-mapping';
import { mapEsdbError } from './esdb-errors';
import { classifyClaim, type ClaimOutcome } from './esdb-retry';

/** Claims in flight at once for one append (an import may append long runs of one stream). */
const CLAIM_CONCURRENCY = 16;

export function claimStreamName(eventIdKey: string): string {
  return `${CLAIM_STREAM_PREFIX}${eventIdKey}`;
}

/**
 * Why claims exist. The port promises that an event id is stored at most once in the whole log, and that a retried
 * append (same ids) is recognised whatever expected revision it carries. EventStoreDB only recognises a retry at
 * the same expected revision, or with 'any' while the ids are still in its in-memory cache, and never compares
 * ids across streams: a retry after a restart, or with the stream's current revision, would store the events twice.
 *
 * So before an append each event id is claimed by writing one small event to its own stream
 * `robo-event-id-<id>` with expected revision no_stream (EventStoreDB serialises that: exactly one writer wins).
 * The claim names the stream that owns the id. A claim that already exists for the same stream means "seen
 * before": the adapter then looks for the ids in the stream (a retry) before appending. A claim can outlive a
 * failed append (crash between the two writes); it still only lets that stream use the id, which is what a retry
 * needs. Cost: one extra small write per event (issued in parallel) and a claim stream per event id.
 */
export async function claimEventIds(client: EventStoreDBClient, streamName: string, eventIdKeys: readonly string[]): Promise<ClaimOutcome[]> {
  const outcomes: ClaimOutcome[] = new Array<ClaimOutcome>(eventIdKeys.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < eventIdKeys.length) {
      const index = next;
      next += 1;
      outcomes[index] = await claimOne(client, streamName, eventIdKeys[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CLAIM_CONCURRENCY, eventIdKeys.length) }, worker));
  return outcomes;
}

async function claimOne(client: EventStoreDBClient, streamName: string, eventIdKey: string): Promise<ClaimOutcome> {
  const claim = jsonEvent({
    // A fresh id per attempt: a second claim must fail on no_stream, never pass as EventStoreDB's own idempotent retry.
    id: randomUUID(),
    type: CLAIM_EVENT_TYPE,
    data: { eventId: eventIdKey, streamName },
  });
  try {
    await client.appendToStream(claimStreamName(eventIdKey), claim, { expectedRevision: NO_STREAM });
    return { kind: 'fresh' };
  } catch (error) {
    if (!(error instanceof EsdbWrongExpectedVersionError)) throw mapEsdbError(error, 'claiming an event id');
  }
  return classifyClaim(await claimOwner(client, eventIdKey), streamName);
}

/** The stream named by an existing claim (null if the claim stream is unreadable as one). */
async function claimOwner(client: EventStoreDBClient, eventIdKey: string): Promise<string | null> {
  try {
    for await (const resolved of client.readStream(claimStreamName(eventIdKey), { maxCount: 1 })) {
      const data = resolved.event?.data as { streamName?: unknown } | undefined;
      return typeof data?.streamName === 'string' ? data.streamName : null;
    }
    return null;
  } catch (error) {
    if (error instanceof StreamNotFoundError) return null;
    throw mapEsdbError(error, 'reading an event-id claim');
  }
}
