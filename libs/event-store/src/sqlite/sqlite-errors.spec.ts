import Database from 'better-sqlite3';
import { StoreUnavailableError } from '../errors';
import { asStoreError, isUnavailableError } from './sqlite-errors';

describe('sqlite error classification', () => {
  it.each(['SQLITE_BUSY', 'SQLITE_FULL', 'SQLITE_IOERR_FSYNC', 'SQLITE_READONLY_DBMOVED', 'SQLITE_CANTOPEN', 'SQLITE_CORRUPT'])(
    '%s means the store is unavailable, and is wrapped with its cause',
    (code) => {
      const original = new Database.SqliteError('boom', code);
      const wrapped = asStoreError(original, 'appending');
      expect(isUnavailableError(original)).toBe(true);
      expect(wrapped).toBeInstanceOf(StoreUnavailableError);
      expect(wrapped).toMatchObject({ code: 'STORE_UNAVAILABLE', cause: original });
      expect((wrapped as Error).message).toContain(`${code}: boom`);
    },
  );

  it('treats a closed better-sqlite3 handle as unavailable', () => {
    const db = new Database(':memory:');
    db.close();
    let closedError: unknown;
    try {
      db.prepare('SELECT 1');
    } catch (error) {
      closedError = error;
    }
    expect(asStoreError(closedError, 'reading')).toBeInstanceOf(StoreUnavailableError);
  });

  it('passes query bugs and domain errors through unchanged', () => {
    const constraint = new Database.SqliteError('UNIQUE constraint failed', 'SQLITE_CONSTRAINT_UNIQUE');
    const syntax = new Database.SqliteError('near "SELCT"', 'SQLITE_ERROR');
    const plain = new Error('version conflict');
    expect([asStoreError(constraint, 'x'), asStoreError(syntax, 'x'), asStoreError(plain, 'x')]).toEqual([constraint, syntax, plain]);
    expect(isUnavailableError(constraint)).toBe(false);
  });
});
