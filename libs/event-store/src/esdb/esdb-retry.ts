import type { AppendResult } from '../event-store.port';

/** Where one of an append's event ids was found in the target stream. */
export interface LocatedEvent {
  revision: bigint;
  globalPosition: bigint;
}

export type RetryVerdict =
  /** None of the ids is in the stream: append normally. */
  | { kind: 'new' }
  /** All of them, in order, at consecutive revisions: the earlier append won; answer with its result. */
  | { kind: 'retry'; result: AppendResult }
  /** Some of them, or all in another order: refused (DuplicateEventIdError for the id at `index`). */
  | { kind: 'duplicate'; index: number };

/** The same rule as the SQLite adapter: only an exact repeat of a stored append (or of its tail) is a retry. */
export function judgeRetry(located: readonly (LocatedEvent | undefined)[]): RetryVerdict {
  const firstFound = located.findIndex((event) => event !== undefined);
  if (firstFound === -1) return { kind: 'new' };
  const first = located[0];
  const consecutive =
    first !== undefined && located.every((event, i) => event !== undefined && event.revision === first.revision + BigInt(i));
  if (!consecutive) return { kind: 'duplicate', index: firstFound };
  const last = located[located.length - 1] ?? first;
  return { kind: 'retry', result: { nextExpectedRevision: last.revision, lastGlobalPosition: last.globalPosition, idempotent: true } };
}

/** Outcome of claiming one event id for a stream. */
export type ClaimOutcome =
  /** This call created the claim: the id was never stored anywhere. */
  | { kind: 'fresh' }
  /** The id was claimed for this stream before: an earlier append (or an attempt at one) used it. */
  | { kind: 'ours' }
  /** The id belongs to another stream. */
  | { kind: 'foreign'; owner: string | null };

export function classifyClaim(owner: string | null, streamName: string): ClaimOutcome {
  return owner === streamName ? { kind: 'ours' } : { kind: 'foreign', owner };
}
