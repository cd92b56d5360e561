import { StoreUnavailableError } from '../errors';

/**
 * SQLite result codes (and their extended forms, e.g. SQLITE_IOERR_FSYNC, SQLITE_READONLY_DBMOVED) that say
 * the file cannot be used right now, as opposed to a bug in a query. Callers may retry these later.
 */
const UNAVAILABLE_SQLITE_CODES = [
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_BUSY',
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
  'SQLITE_PROTOCOL',
  'SQLITE_NOMEM',
];

/** Node fs errors seen while creating the data directory. */
const UNAVAILABLE_FS_CODES = ['ENOTDIR', 'EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EIO', 'ENOENT', 'EEXIST', 'EDQUOT'];

export function isUnavailableError(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  // better-sqlite3 throws a TypeError once its connection is closed. Matched by message, not instanceof:
  // the native addon creates it in the main realm, which differs from Jest's test realm.
  if (/database connection is not open/i.test(messageOf(error))) return true;
  const code = codeOf(error);
  if (code === undefined) return false;
  return UNAVAILABLE_SQLITE_CODES.some((c) => code === c || code.startsWith(`${c}_`)) || UNAVAILABLE_FS_CODES.includes(code);
}

/** The UNIQUE(event_id) constraint refused an insert: the id is stored already (by an earlier call or this one). */
export function isEventIdConflict(error: unknown): boolean {
  return codeOf(error) === 'SQLITE_CONSTRAINT_UNIQUE' && messageOf(error).includes('events.event_id');
}

/** Wraps an unavailability error as StoreUnavailableError (keeping the original as `cause`); others pass through. */
export function asStoreError(error: unknown, action: string): unknown {
  if (error instanceof StoreUnavailableError || !isUnavailableError(error)) return error;
  const code = codeOf(error);
  const detail = messageOf(error) || String(error);
  return new StoreUnavailableError(`event store unavailable while ${action}: ${code ? `${code}: ` : ''}${detail}`, error);
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error as { code: unknown };
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  if (typeof error !== 'object' || error === null || !('message' in error)) return '';
  const { message } = error as { message: unknown };
  return typeof message === 'string' ? message : '';
}
