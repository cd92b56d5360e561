import type { CommandOutcome, Rejected, RejectionKind } from '@robo/write-path';
import { ApiError } from './api-error';

/** The one mapping of a refused command to an HTTP status. */
export const REJECTION_STATUS: Record<RejectionKind, number> = { invalid: 400, forbidden: 403, not_found: 404, conflict: 409, rule: 422 };

export function rejectionError(rejection: Rejected): ApiError {
  return new ApiError(REJECTION_STATUS[rejection.kind], rejection.code, rejection.message, rejection.details);
}

/**
 * The HTTP edge of every command: an accepted command or a repeat of one answers its result (the route's success
 * status); a rejection answers `{code, message, details?}` with the status of its kind (the exception filter writes it).
 */
export function commandResponse<T>(outcome: CommandOutcome<T>): T {
  if (outcome.outcome === 'rejected') throw rejectionError(outcome);
  return outcome.result;
}
