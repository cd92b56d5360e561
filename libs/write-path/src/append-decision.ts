import type { AppendResult, EventStore } from '@robo/event-store';
import { eventIdsFor } from './event-ids';
import { IDEMPOTENCY_KEY_REUSED, rejected, type Rejected } from './outcome';

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
 * the first result, otherwise a rejection: a genuine conflict, or the key reused for a different request.
 */
export async function replayFirstEvent(
  store: EventStore,
  stream: string,
  idSeed: string,
  expect: Record<string, unknown>,
  fields: readonly string[] = Object.keys(expect).filter((k) => k !== 'now'),
): Promise<CommandResult | Rejected> {
  const [first] = await store.readStream(stream, { maxCount: 1 });
  if (!first || first.metadata.eventId !== eventIdsFor(1, idSeed)[0]) {
    return rejected('conflict', 'ALREADY_EXISTS', `${stream} already exists`);
  }
  const data = first.data as Record<string, unknown>;
  if (!fields.every((f) => JSON.stringify(data[f] ?? null) === JSON.stringify(expect[f] ?? null))) return IDEMPOTENCY_KEY_REUSED;
  return { streamRevision: Number(first.streamRevision), globalPosition: Number(first.globalPosition) };
}
