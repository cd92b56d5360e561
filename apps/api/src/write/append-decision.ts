import type { AppendResult, EventStore } from '@robo/event-store';
import { ApiError } from '../common/api-error';
import { eventIdsFor } from './event-ids';

/**
 * After an append that the store reported as an idempotent retry, checks that the retry asked for the same
 * thing: a key reused for a different request is refused instead of silently answering with the first result.
 */
export async function assertSameRetry(
  store: EventStore,
  stream: string,
  result: AppendResult,
  attempted: readonly { type: string; data: unknown }[],
  compare: (stored: unknown, attempted: unknown) => boolean = sameJson,
): Promise<void> {
  if (!result.idempotent) return;
  const first = result.nextExpectedRevision - BigInt(attempted.length - 1);
  const stored = await store.readStream(stream, { fromRevision: first, maxCount: attempted.length });
  const same =
    stored.length === attempted.length && stored.every((event, i) => event.type === attempted[i].type && compare(event.data, attempted[i].data));
  if (!same) {
    throw new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used for a different request');
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The public part of every command response. */
export interface CommandResult {
  streamRevision: number;
  globalPosition: number;
}

export function toCommandResult(result: AppendResult): CommandResult {
  return { streamRevision: Number(result.nextExpectedRevision), globalPosition: Number(result.lastGlobalPosition) };
}

/**
 * The stream already exists: if its first event came from the same idempotency seed (and the same request),
 * answer with that first result, otherwise it is a genuine conflict.
 */
export async function replayFirstEvent(
  store: EventStore,
  stream: string,
  idSeed: string,
  expect: Record<string, unknown>,
  fields: readonly string[] = Object.keys(expect).filter((k) => k !== 'now'),
): Promise<CommandResult> {
  const [first] = await store.readStream(stream, { maxCount: 1 });
  if (!first || first.metadata.eventId !== eventIdsFor(1, idSeed)[0]) {
    throw new ApiError(409, 'ALREADY_EXISTS', `${stream} already exists`);
  }
  const data = first.data as Record<string, unknown>;
  if (!fields.every((f) => JSON.stringify(data[f] ?? null) === JSON.stringify(expect[f] ?? null))) {
    throw new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used for a different request');
  }
  return { streamRevision: Number(first.streamRevision), globalPosition: Number(first.globalPosition) };
}
