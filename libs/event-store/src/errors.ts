import type { ExpectedRevision } from './event-store.port';

/** The stream was not at the expected revision. Maps to HTTP 409 and is retried by command handlers. */
export class WrongExpectedVersionError extends Error {
  readonly code = 'VERSION_CONFLICT';
  constructor(
    public readonly streamName: string,
    public readonly expected: ExpectedRevision,
    public readonly actual: bigint | 'no_stream',
  ) {
    super(`stream ${streamName}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedVersionError';
  }
}

/** Some but not all event ids of an append were already stored, or stored in another stream. */
export class DuplicateEventIdError extends Error {
  readonly code = 'DUPLICATE_EVENT_ID';
  constructor(public readonly eventId: string, public readonly streamName: string) {
    super(`event id ${eventId} is already stored (append to ${streamName})`);
    this.name = 'DuplicateEventIdError';
  }
}

/** The store cannot be reached or written (disk full, file unwritable, server down). Maps to 503. */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(message: string, public override readonly cause?: unknown) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * append() was called with something no adapter may store (empty stream name, no events, a missing type,
 * an event id that is not a UUID, data that JSON cannot round-trip). A caller bug, so it maps to 400.
 * A TypeError because the arguments are of the wrong shape; `code` keeps it machine-readable.
 */
export class InvalidAppendError extends TypeError {
  readonly code = 'INVALID_APPEND';
  constructor(message: string, public readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'InvalidAppendError';
  }
}

/**
 * One append larger than the store takes in one call (EventStore.maxAppendBytes; EventStoreDB refuses appends over
 * its max append size, 1 MiB by default). Split it.
 */
export class AppendTooLargeError extends InvalidAppendError {
  constructor(
    message: string,
    /** Null when the server refused it without saying how large it was. */
    public readonly sizeBytes: number | null,
    public readonly limitBytes: number,
    details?: Record<string, unknown>,
  ) {
    super(message, { ...details, sizeBytes, limitBytes });
    this.name = 'AppendTooLargeError';
  }
}

/**
 * The store refused a request for a reason that retrying will not change (a bad request, an internal error of the
 * server, a position it does not know). Never retried and never answered with Retry-After: it is a fault to fix.
 */
export class StoreRequestFailedError extends Error {
  readonly code = 'STORE_REQUEST_FAILED';
  constructor(message: string, public override readonly cause?: unknown) {
    super(message);
    this.name = 'StoreRequestFailedError';
  }
}
