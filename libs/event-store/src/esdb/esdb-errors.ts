import {
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NotLeaderError,
  TimeoutError,
  UnavailableError,
  UnknownError,
} from '@eventstore/db-client';
import { InvalidAppendError, StoreUnavailableError } from '../errors';

// gRPC status codes that mean "the server is not reachable right now" when they arrive as plain errors.
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_CANCELLED = 1;

/** A failure that goes away by itself (server restarting, leader election, network blip): retry, or answer 503. */
export function isTransientEsdbError(error: unknown): boolean {
  if (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError ||
    error instanceof CancelledError ||
    error instanceof UnknownError
  ) {
    return true;
  }
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED || code === GRPC_CANCELLED;
}

/**
 * Client errors -> the port's: unreachable or refused -> StoreUnavailableError (503, with the cause kept),
 * an append above the server's size limit -> InvalidAppendError (400). The port's own errors pass through.
 */
export function mapEsdbError(error: unknown, action: string): unknown {
  if (isTransientEsdbError(error)) {
    return new StoreUnavailableError(`EventStoreDB unavailable while ${action}: ${messageOf(error)}`, error);
  }
  if (error instanceof AccessDeniedError) {
    return new StoreUnavailableError(`EventStoreDB refused access while ${action} (check the credentials in EVENTSTORE_URL and the $all ACL)`, error);
  }
  if (error instanceof MaxAppendSizeExceededError) {
    return new InvalidAppendError(`append is larger than the server accepts (${error.maxAppendSize} bytes)`);
  }
  return error;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
