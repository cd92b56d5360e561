import type { Projection } from '../projection';
import type { ProjectionTarget } from './batch';
import type { Mutex } from './mutex';
import type { RateMeter } from './rate-meter';

export interface ProjectionErrorInfo {
  code: string | null;
  message: string;
  /** When it last failed (ISO-8601, UTC). */
  at: string;
  /** Consecutive failures; 0 again after a successful batch (lastError is then null). */
  attempts: number;
}

/** One projection's state inside a runner. */
export interface Slot {
  projection: Projection;
  target: ProjectionTarget;
  /** Null until loaded from the read store (and again after a failure, so the store's value is re-read). */
  checkpoint: bigint | null;
  lastError: ProjectionErrorInfo | null;
  lastParkedError: { message: string; at: string } | null;
  lock: Mutex;
  rate: RateMeter;
  /** The shared loop leaves a failed projection alone until then (epoch ms); the others go on. */
  retryAt: number;
  backoffMs: number;
}

export function describeError(error: unknown, attempts: number, at: string): ProjectionErrorInfo {
  // Duck-typed: driver errors may come from another realm, where instanceof Error is false.
  const { code, name, message } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; name?: unknown; message?: unknown };
  return {
    code: typeof code === 'string' ? code : null,
    message: typeof message === 'string' ? `${typeof name === 'string' ? name : 'Error'}: ${message}` : String(error),
    at,
    attempts,
  };
}
