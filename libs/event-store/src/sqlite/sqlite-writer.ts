import { assertNever } from '@robo/domain';
import type { AppendResult, ExpectedRevision } from '../event-store.port';
import { DuplicateEventIdError, WrongExpectedVersionError } from '../errors';
import type { PreparedEvent } from './append-validation';
import type { SqliteConnection } from './sqlite-connection';
import { isEventIdConflict, isUnavailableError } from './sqlite-errors';

export interface AppendRequest {
  readonly streamName: string;
  readonly events: readonly PreparedEvent[];
  readonly expectedRevision: ExpectedRevision;
}

export type AppendOutcome =
  | { readonly kind: 'written'; readonly result: AppendResult; readonly eventCount: number }
  | { readonly kind: 'idempotent'; readonly result: AppendResult }
  | { readonly kind: 'rejected'; readonly error: unknown };

/**
 * Writes a group of append calls in ONE transaction (one fsync), each call isolated (a savepoint when it has several
 * events) so that a conflict rolls back only that call. Returns one outcome per request, in order; throws (after
 * rolling back) when the transaction as a whole could not be written, in which case no request was stored.
 */
export function writeGroup(conn: SqliteConnection, requests: readonly AppendRequest[], recordedAt: string): AppendOutcome[] {
  conn.begin();
  try {
    const outcomes = requests.map((request) => appendIsolated(conn, request, recordedAt));
    conn.commit();
    return outcomes;
  } catch (error) {
    try {
      // SQLite may already have rolled back on its own (it does for SQLITE_FULL, IOERR, BUSY).
      if (conn.db.inTransaction) conn.rollback();
    } catch {
      // The original error is the one worth reporting; the connection is discarded by the caller.
    }
    throw error;
  }
}

function appendIsolated(conn: SqliteConnection, request: AppendRequest, recordedAt: string): AppendOutcome {
  // One event is one INSERT, and SQLite undoes a failed statement on its own: only several events need a savepoint.
  const several = request.events.length > 1;
  if (several) conn.savepoint();
  try {
    const outcome = appendOne(conn, request, recordedAt);
    if (several) conn.releaseSavepoint();
    return outcome;
  } catch (error) {
    // An I/O-level failure dooms the whole transaction, not just this call.
    if (isUnavailableError(error)) throw error;
    if (several) conn.rollbackToSavepoint();
    return isEventIdConflict(error) ? explainIdConflict(conn, request, error) : { kind: 'rejected', error };
  }
}

/**
 * Inserts without probing the ids first: a stored id is rare (a retry, or a bug), and the UNIQUE index finds it
 * anyway. Only a revision mismatch looks for a retry here, because a retry's expected revision is usually stale.
 */
function appendOne(conn: SqliteConnection, request: AppendRequest, recordedAt: string): AppendOutcome {
  const { streamName, events, expectedRevision } = request;
  const current = conn.streamRevision(streamName);
  if (!revisionMatches(expectedRevision, current)) {
    const retried = findRetry(conn, request);
    if (retried !== null) return { kind: 'idempotent', result: retried };
    throw new WrongExpectedVersionError(streamName, expectedRevision, current ?? 'no_stream');
  }
  let revision = current === null ? 0n : current + 1n;
  let position = 0n;
  for (const event of events) {
    position = conn.insert(streamName, revision, event, recordedAt);
    revision += 1n;
  }
  return {
    kind: 'written',
    result: { nextExpectedRevision: revision - 1n, lastGlobalPosition: position, idempotent: false },
    eventCount: events.length,
  };
}

/** Runs after the call's rows were rolled back, so the probe sees only what earlier calls stored, not this call's own. */
function explainIdConflict(conn: SqliteConnection, request: AppendRequest, conflict: unknown): AppendOutcome {
  try {
    const retried = findRetry(conn, request);
    return retried === null ? { kind: 'rejected', error: conflict } : { kind: 'idempotent', result: retried };
  } catch (error) {
    if (isUnavailableError(error)) throw error;
    return { kind: 'rejected', error };
  }
}

/**
 * A retry of an append that already committed (same ids, same stream, same order, consecutive revisions)
 * returns what the first attempt returned, whatever its expected revision says: the caller's first attempt
 * won, and it must not be told otherwise. Any other overlap with stored ids is a DuplicateEventIdError.
 */
function findRetry(conn: SqliteConnection, request: AppendRequest): AppendResult | null {
  const stored = request.events.map((event) => conn.findEvent(event.eventIdKey));
  const firstStoredIndex = stored.findIndex((ref) => ref !== undefined);
  if (firstStoredIndex === -1) return null;
  const first = stored[0];
  const isRetry =
    first !== undefined &&
    stored.every(
      (ref, i) => ref !== undefined && ref.stream_name === request.streamName && ref.stream_revision === first.stream_revision + BigInt(i),
    );
  if (!isRetry) throw new DuplicateEventIdError(request.events[firstStoredIndex].eventId, request.streamName);
  const last = stored[stored.length - 1] ?? first;
  return { nextExpectedRevision: last.stream_revision, lastGlobalPosition: last.global_position, idempotent: true };
}

function revisionMatches(expected: ExpectedRevision, current: bigint | null): boolean {
  if (typeof expected === 'bigint') return current === expected;
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return current === null;
    case 'stream_exists':
      return current !== null;
    default:
      return assertNever(expected);
  }
}
