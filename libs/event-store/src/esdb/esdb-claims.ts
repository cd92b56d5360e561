import { randomUUID } from 'node:crypto';
import { EventStoreDBClient, jsonEvent, NO_STREAM, StreamNotFoundError, WrongExpectedVersionError as EsdbWrongExpectedVersionError } from '@eventstore/db-client';
import { CLAIM_EVENT_TYPE, CLAIM_STREAM_PREFIX } from './esdb-mapping';
import { StoreUnavailableError } from '../errors';
import { mapEsdbError } from './esdb-errors';
import { readUntil } from './esdb-reads';
import { classifyClaim, type ClaimOutcome } from './esdb-retry';

/** Claims in flight at once for one append (an import may append long runs of one stream). */
const CLAIM_CONCURRENCY = 16;
/**
 * Reads of a claim that its refused write says exists but that cannot be read yet: the server checks expected
 * revisions against writes it accepted but has not made readable, so the loser of two racing identical appends
 * can see the claim stream as not found for a moment (longer on a cluster). Waits 10, 20, 40... ms between tries.
 */
const UNSETTLED_CLAIM_READS = 8;
const UNSETTLED_CLAIM_FIRST_WAIT_MS = 10;

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
    const written = await client.appendToStream(claimStreamName(eventIdKey), claim, { expectedRevision: NO_STREAM });
    // success: false only comes from a client built with throwOnAppendFailure=false: the claim exists.
    if (written.success) return { kind: 'fresh' };
  } catch (error) {
    if (!(error instanceof EsdbWrongExpectedVersionError)) throw mapEsdbError(error, 'claiming an event id');
  }
  let waitMs = UNSETTLED_CLAIM_FIRST_WAIT_MS;
  for (let attempt = 1; ; attempt += 1) {
    const owner = await claimOwner(client, eventIdKey);
    if (owner !== NOT_READABLE) return classifyClaim(owner, streamName);
    if (attempt === UNSETTLED_CLAIM_READS) break;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    waitMs *= 2;
  }
  // Someone else's write of this claim has not settled: not a foreign owner, so answer "retry later".
  throw new StoreUnavailableError(`the claim of event id ${eventIdKey} exists but cannot be read yet; retry`);
}

/** The claim stream is not there (yet) for a read, although a write to it was refused because it exists. */
export const NOT_READABLE = Symbol('claim not readable');

/** The stream named by an existing claim (null if the claim is not one this adapter wrote). */
export async function claimOwner(client: EventStoreDBClient, eventIdKey: string): Promise<string | null | typeof NOT_READABLE> {
  let owner: string | null | typeof NOT_READABLE = NOT_READABLE;
  try {
    await readUntil(client.readStream(claimStreamName(eventIdKey), { maxCount: 1 }), (resolved) => {
      const data = resolved.event?.data as { streamName?: unknown } | undefined;
      owner = typeof data?.streamName === 'string' ? data.streamName : null;
      return 'stop';
    });
  } catch (error) {
    if (error instanceof StreamNotFoundError) return NOT_READABLE;
    throw mapEsdbError(error, 'reading an event-id claim');
  }
  return owner;
}
