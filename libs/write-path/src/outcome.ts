import { DomainError, type DomainErrorKind } from '@robo/domain';

/**
 * Why a command was refused, in terms of the command, not of a transport: the HTTP edge maps `kind` to a status
 * code (`outcome-response.ts`), other callers (the paper engine, the strategy runner, the analyst) read it as it is.
 * - invalid: malformed in a way only the decision can see; not_found: names something that does not exist;
 * - conflict: clashes with what exists (or kept losing the race for its stream); rule: breaks a business rule;
 * - forbidden: the caller may not do this.
 */
export type RejectionKind = DomainErrorKind | 'forbidden';

export interface Rejected {
  outcome: 'rejected';
  code: string;
  message: string;
  kind: RejectionKind;
  details?: Record<string, unknown>;
}

/** The command changed the log. */
export interface Accepted<T> {
  outcome: 'accepted';
  result: T;
}

/** The command had been applied before (same command, same event ids) or has nothing left to do: nothing appended. */
export interface AlreadyDone<T> {
  outcome: 'already-done';
  result: T;
}

/** What became of a command. Handlers and reactors answer one of these and throw only when the system fails. */
export type CommandOutcome<T> = Accepted<T> | AlreadyDone<T> | Rejected;

export function rejected(kind: RejectionKind, code: string, message: string, details?: Record<string, unknown>): Rejected {
  return details === undefined ? { outcome: 'rejected', kind, code, message } : { outcome: 'rejected', kind, code, message, details };
}

/** A refusal raised by a decision (a DomainError) as an outcome; null for anything else (a failure of the system). */
export function rejectionOf(error: unknown): Rejected | null {
  if (error instanceof DomainError) return rejected(error.kind, error.code, error.message, error.details);
  return null;
}

/** A rejection as the domain error that callers which throw raise (the analyst, the key manager); forbidden as a rule. */
export function rejectionError(rejection: Rejected): DomainError {
  return new DomainError(rejection.code, rejection.message, rejection.kind === 'forbidden' ? 'rule' : rejection.kind, rejection.details);
}

/** The code a key reused for a different command is refused with. */
export const IDEMPOTENCY_KEY_REUSED = rejected('rule', 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used for a different request');

/** The same outcome with another result (accepted and already-done keep their kind; a rejection stays as it is). */
export function mapResult<T, U>(outcome: CommandOutcome<T>, map: (result: T) => U): CommandOutcome<U> {
  return outcome.outcome === 'rejected' ? outcome : { outcome: outcome.outcome, result: map(outcome.result) };
}
