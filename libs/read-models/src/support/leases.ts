import { InvalidQueryError } from '../errors';

const MAX_LEASE_TEXT = 200;

/** The arguments of acquireLease/releaseLease, checked the same way by every store. */
export function assertLease(name: unknown, owner: unknown, timing?: { ttlMs: unknown; nowMs: unknown }): void {
  for (const [what, value] of [['lease name', name], ['lease owner', owner]] as const) {
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LEASE_TEXT) {
      throw new InvalidQueryError(`${what} must be a non-empty string of at most ${MAX_LEASE_TEXT} characters`);
    }
  }
  if (timing === undefined) return;
  if (!Number.isSafeInteger(timing.ttlMs) || (timing.ttlMs as number) < 1) throw new InvalidQueryError('lease ttlMs must be a positive integer');
  if (!Number.isSafeInteger(timing.nowMs) || (timing.nowMs as number) < 0) throw new InvalidQueryError('lease nowMs must be a non-negative integer (epoch ms)');
}
