import { ReadModelError, ReadStoreUnavailableError } from '../errors';

// SQLite result codes that mean "the storage is not usable right now", not "the request is wrong".
const UNAVAILABLE_CODES = ['SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_PROTOCOL'];

// better-sqlite3 reports these as plain TypeErrors without a code.
const UNAVAILABLE_MESSAGES = ['The database connection is not open', 'Cannot open database because the directory does not exist'];

// Duck-typed rather than instanceof: errors from the native addon may come from another realm (Jest's vm, workers).
export function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && UNAVAILABLE_CODES.some((prefix) => code === prefix || code.startsWith(`${prefix}_`))) return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.some((known) => message.includes(known));
}

/** Our own errors pass through; driver errors that mean "storage unusable" become ReadStoreUnavailableError. */
export function mapSqliteError(error: unknown, operation: string): unknown {
  if (error instanceof ReadModelError) return error;
  if (isUnavailable(error)) {
    return new ReadStoreUnavailableError(`read store unavailable during ${operation}: ${String((error as { message?: unknown }).message)}`, error);
  }
  return error;
}
