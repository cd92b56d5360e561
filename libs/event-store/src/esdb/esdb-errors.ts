import {
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  InvalidArgumentError,
  MaxAppendSizeExceededError,
  NotLeaderError,
  TimeoutError,
  UnavailableError,
  UnknownError,
} from '@eventstore/db-client';
import { AppendTooLargeError, StoreRequestFailedError, StoreUnavailableError } from '../errors';

// gRPC status codes that mean "the server is not reachable right now" when they arrive as plain errors.
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_CANCELLED = 1;

/**
 * A failure that goes away by itself (server restarting, leader election, network blip): retry, or answer 503.
 * Not UnknownError: the client gives that to everything the server refuses without a more precise answer (a bad
 * request, an internal error, a position inside a record, a message over the gRPC limit), which a retry repeats.
 */
export function isTransientEsdbError(error: unknown): boolean {
  if (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError ||
    error instanceof CancelledError
  ) {
    return true;
  }
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED || code === GRPC_CANCELLED;
}

/**
 * Client errors -> the port's: unreachable or refused -> StoreUnavailableError (503, with the cause kept),
 * an append above the server's size limit -> AppendTooLargeError (400), a request the server refuses for good
 * (UnknownError, InvalidArgumentError) -> StoreRequestFailedError (not retried). The port's own errors pass through.
 */
export function mapEsdbError(error: unknown, action: string): unknown {
  if (isTransientEsdbError(error)) {
    return new StoreUnavailableError(`EventStoreDB unavailable while ${action}: ${messageOf(error)}`, error);
  }
  if (error instanceof AccessDeniedError) {
    return new StoreUnavailableError(`EventStoreDB refused access while ${action} (check the credentials in EVENTSTORE_URL and the $all ACL)`, error);
  }
  if (error instanceof MaxAppendSizeExceededError) {
    return new AppendTooLargeError(`append is larger than the server accepts (${error.maxAppendSize} bytes); split it`, null, error.maxAppendSize);
  }
  if (error instanceof UnknownError || error instanceof InvalidArgumentError) {
    return new StoreRequestFailedError(`EventStoreDB refused the request while ${action}: ${messageOf(error)}`, error);
  }
  return error;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
