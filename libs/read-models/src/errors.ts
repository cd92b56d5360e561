/**
 * Read-side failures carry a stable code so the edges can map them without parsing messages:
 * INVALID_QUERY / INVALID_CURSOR -> 400, READ_STORE_UNAVAILABLE -> 503, the rest are programming or data errors.
 */
export type ReadModelErrorCode =
  | 'INVALID_QUERY'
  | 'INVALID_CURSOR'
  | 'INVALID_NAME'
  | 'INVALID_DOCUMENT'
  | 'UNKNOWN_COLLECTION'
  | 'CHECKPOINT_REGRESSION'
  | 'READ_STORE_UNAVAILABLE'
  | 'UNKNOWN_PROJECTION'
  | 'CHECKPOINT_MOVED'
  | 'DEAD_LETTER_NOT_FOUND';

export class ReadModelError extends Error {
  constructor(
    public readonly code: ReadModelErrorCode,
    message: string,
    public readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A find()/count() request the store will not run (bad limit, field name or condition). */
export class InvalidQueryError extends ReadModelError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('INVALID_QUERY', message, details);
  }
}

/** A cursor that this store did not hand out for this ordering. */
export class InvalidCursorError extends ReadModelError {
  constructor(message: string) {
    super('INVALID_CURSOR', message);
  }
}

/** A collection or field name outside /^[a-zA-Z_][a-zA-Z0-9_]*$/ (names are the only thing ever put into SQL text). */
export class InvalidNameError extends ReadModelError {
  constructor(kind: 'collection' | 'field', name: unknown) {
    super('INVALID_NAME', `invalid ${kind} name ${JSON.stringify(name)}`, { kind });
  }
}

/** A document value that has no single JSON form (bigint, undefined in an array, NaN, class instances...). */
export class InvalidDocumentError extends ReadModelError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('INVALID_DOCUMENT', message, details);
  }
}

/** A write to a collection that ensureCollections() never created. */
export class UnknownCollectionError extends ReadModelError {
  constructor(collection: string) {
    super('UNKNOWN_COLLECTION', `collection ${collection} does not exist (call ensureCollections first)`, { collection });
  }
}

/** A commit would move a projection's checkpoint backwards: another writer is ahead, or a stale replay. */
export class CheckpointRegressionError extends ReadModelError {
  constructor(projection: string, stored: bigint, attempted: bigint) {
    super('CHECKPOINT_REGRESSION', `projection ${projection}: checkpoint ${attempted} is lower than the stored ${stored}`, {
      projection,
      stored: stored.toString(),
      attempted: attempted.toString(),
    });
  }
}

/** The read store cannot be reached or written (file unopenable, read-only, disk full, busy, closed). Maps to 503. */
export class ReadStoreUnavailableError extends ReadModelError {
  constructor(message: string, public override readonly cause?: unknown) {
    super('READ_STORE_UNAVAILABLE', message);
  }
}

export class UnknownProjectionError extends ReadModelError {
  constructor(name: string) {
    super('UNKNOWN_PROJECTION', `no projection named ${name}`, { projection: name });
  }
}

/** A shadow swap was refused because the live checkpoint moved after the comparison (another process projects it). */
export class CheckpointMovedError extends ReadModelError {
  constructor(projection: string, expected: bigint, actual: bigint) {
    super('CHECKPOINT_MOVED', `projection ${projection}: checkpoint is ${actual}, the comparison was made at ${expected}`, {
      projection,
      expected: expected.toString(),
      actual: actual.toString(),
    });
  }
}

export class DeadLetterNotFoundError extends ReadModelError {
  constructor(id: string) {
    super('DEAD_LETTER_NOT_FOUND', `no dead letter ${id}`, { id });
  }
}
