import {
  MongoClientClosedError,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { InvalidDocumentError, ReadModelError, ReadStoreUnavailableError } from '../errors';

// Server codes that mean "not now" (elections, shutdown, auth misconfiguration), not "this request is wrong".
const UNAVAILABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  13, // Unauthorized
  18, // AuthenticationFailed
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);
const TOO_LARGE_CODES = new Set([10334, 17419, 17420]); // BSONObjectTooLarge and relatives

const DUPLICATE_KEY = 11000;

/** An insert (or an upsert's insert) that met an existing _id or unique key. */
export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

export function isMongoUnavailable(error: unknown): boolean {
  if (
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNetworkError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoClientClosedError
  ) {
    return true;
  }
  if (error instanceof MongoServerError && typeof error.code === 'number' && UNAVAILABLE_CODES.has(error.code)) return true;
  return error instanceof MongoError && (error.hasErrorLabel('RetryableWriteError') || error.hasErrorLabel('TransientTransactionError'));
}

/** Our own errors pass through; driver errors that mean "storage unusable" become ReadStoreUnavailableError (503). */
export function mapMongoError(error: unknown, operation: string): unknown {
  if (error instanceof ReadModelError) return error;
  if (isMongoUnavailable(error)) {
    return new ReadStoreUnavailableError(`read store (MongoDB) unavailable during ${operation}: ${(error as Error).message}`, error);
  }
  if (error instanceof MongoServerError && typeof error.code === 'number' && TOO_LARGE_CODES.has(error.code)) {
    return new InvalidDocumentError(`a document is larger than MongoDB accepts (${operation})`);
  }
  return error;
}
