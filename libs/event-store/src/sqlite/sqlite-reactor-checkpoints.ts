import Database from 'better-sqlite3';
import type { ReactorCheckpointStore } from '../reactor-checkpoints.port';
import { asStoreError } from './sqlite-errors';
import { migrate } from './sqlite-schema';

/**
 * Created on first use rather than by a schema version step: a file with the table still opens in builds that do not
 * know it (they leave it alone), so going back a release keeps working.
 */
const TABLE = `
  CREATE TABLE IF NOT EXISTS reactor_checkpoints (
    reactor    TEXT    PRIMARY KEY,
    position   INTEGER NOT NULL,
    updated_at TEXT    NOT NULL
  )`;

export interface SqliteReactorCheckpointsOptions {
  /** The SQLite event store's file: the checkpoints live in its reactor_checkpoints table. */
  file: string;
  /** Default 5000: a save waits this long for the event store's own writes to the file. */
  busyTimeoutMs?: number;
}

/** Reactor checkpoints in the event file's reactor_checkpoints table, over a connection of their own (WAL lets it share the file). */
export class SqliteReactorCheckpoints implements ReactorCheckpointStore {
  private readonly loadStmt: Database.Statement<[string], { position: bigint }>;
  private readonly saveStmt: Database.Statement<[string, bigint, string]>;

  private constructor(private readonly db: Database.Database) {
    this.loadStmt = db.prepare<[string], { position: bigint }>('SELECT position FROM reactor_checkpoints WHERE reactor = ?').safeIntegers(true);
    this.saveStmt = db.prepare<[string, bigint, string]>(
      'INSERT INTO reactor_checkpoints (reactor, position, updated_at) VALUES (?, ?, ?) ON CONFLICT (reactor) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at',
    );
  }

  static open(options: SqliteReactorCheckpointsOptions): SqliteReactorCheckpoints {
    const db = new Database(options.file);
    try {
      db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      migrate(db);
      db.exec(TABLE);
      return new SqliteReactorCheckpoints(db);
    } catch (error) {
      db.close();
      throw asStoreError(error, 'opening the reactor checkpoints');
    }
  }

  async load(reactor: string): Promise<bigint | null> {
    try {
      return this.loadStmt.get(reactor)?.position ?? null;
    } catch (error) {
      throw asStoreError(error, 'reading a reactor checkpoint');
    }
  }

  async save(reactor: string, position: bigint, savedAt: string): Promise<void> {
    try {
      this.saveStmt.run(reactor, position, savedAt);
    } catch (error) {
      throw asStoreError(error, 'saving a reactor checkpoint');
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
