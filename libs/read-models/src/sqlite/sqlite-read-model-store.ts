import { systemWallClock, type WallClock } from '@robo/clock';
import Database from 'better-sqlite3';
import type {
  CheckpointInfo,
  CollectionSpec,
  DeadLetter,
  DeadLetterChanges,
  DocChange,
  FieldCondition,
  FindQuery,
  LeaseState,
  Page,
  ProjectionCommit,
  PromoteShadowRequest,
  ReadModelStore,
} from '../read-model-store.port';
import * as commits from './sqlite-commits';
import { SqliteConnection } from './sqlite-connection';
import * as deadLetters from './sqlite-dead-letters';
import * as documents from './sqlite-documents';
import * as leases from './sqlite-leases';
import * as shadows from './sqlite-shadows';
import { mapSqliteError } from './sqlite-errors';

export interface SqliteReadModelStoreOptions {
  /** Path of the database file; created if missing (its directory must exist). */
  file: string;
  /** How long a writer waits for another process's lock before failing as unavailable. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** Stamps checkpoints' updatedAt; the system's wall clock by default. */
  clock?: WallClock;
  /**
   * Open an existing file read-only (no pragma, no table created, every write refused by SQLite): a finished
   * backtest's read models are read this way, so that its folder stays as the run left it.
   */
  readOnly?: boolean;
  /**
   * 'normal' (default): synchronous=NORMAL (see open()). 'none': synchronous=OFF, nothing fsynced, for read models
   * of a log that is itself rebuilt from its inputs (a backtest's run folder). Only a file no projection has
   * committed to opens so: a live data directory's read models are refused.
   */
  durability?: 'normal' | 'none';
}

/**
 * Read models in one SQLite file: a table per collection (id, canonical JSON doc) with expression indexes,
 * and a checkpoints table written in the same transaction as the documents.
 * WAL lets the api read while the projector writes, also from another process.
 * This class opens the file and answers the port; each part of the port has its file: documents (sqlite-documents.ts),
 * commits and checkpoints (sqlite-commits.ts), dead letters (sqlite-dead-letters.ts), shadow copies and checksums
 * (sqlite-shadows.ts), leases (sqlite-leases.ts).
 */
export class SqliteReadModelStore implements ReadModelStore {
  private constructor(private readonly conn: SqliteConnection) {}

  /** Synchronous, like the driver: the file is usable when this returns. */
  static open(options: SqliteReadModelStoreOptions): SqliteReadModelStore {
    let db: Database.Database | undefined;
    try {
      // Short: better-sqlite3 waits for a lock synchronously, blocking the event loop. A projection whose commit finds
      // the file locked by another process gives up quickly and retries with backoff instead of freezing the api.
      if (options.readOnly) {
        db = new Database(options.file, { readonly: true, fileMustExist: true, timeout: options.busyTimeoutMs ?? 250 });
        return new SqliteReadModelStore(new SqliteConnection(db, options.clock ?? systemWallClock));
      }
      db = new Database(options.file, { timeout: options.busyTimeoutMs ?? 250 });
      db.pragma('journal_mode = WAL');
      // NORMAL, not FULL: in WAL mode a process crash loses nothing, and a power cut can only lose the last commits,
      // documents and checkpoint together (they share a transaction), which the projector then re-applies from the
      // log. Read models are derived data; the event store itself stays at FULL.
      db.pragma(options.durability === 'none' ? 'synchronous = OFF' : 'synchronous = NORMAL');
      // 64 MB of page cache (2 MB by default) and checkpoints every 40 MB of WAL (4 MB): a projector page touches
      // index pages all over the file, and rewriting them at every commit and checkpoint was most of what it wrote.
      db.pragma('cache_size = -65536');
      db.pragma('wal_autocheckpoint = 10000');
      db.exec('CREATE TABLE IF NOT EXISTS checkpoints (projection TEXT PRIMARY KEY, position INTEGER NOT NULL, updated_at TEXT NOT NULL)');
      db.exec('CREATE TABLE IF NOT EXISTS dead_letters (id TEXT PRIMARY KEY, projection TEXT NOT NULL, position INTEGER NOT NULL, letter TEXT NOT NULL)');
      db.exec('CREATE INDEX IF NOT EXISTS dead_letters_by_projection ON dead_letters (projection, position)');
      db.exec('CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at_ms INTEGER NOT NULL)');
      if (options.durability === 'none') {
        const { n } = db.prepare('SELECT COUNT(*) AS n FROM checkpoints').get() as { n: number };
        if (n > 0) throw new TypeError(`${options.file} holds projected read models: durability 'none' opens only a new file (the read models of a rebuildable log, such as a backtest's run)`);
      }
      return new SqliteReadModelStore(new SqliteConnection(db, options.clock ?? systemWallClock));
    } catch (error) {
      db?.close();
      throw mapSqliteError(error, 'open');
    }
  }

  async ensureCollections(specs: readonly CollectionSpec[]): Promise<void> {
    documents.ensureCollections(this.conn, specs);
  }

  async get<T = Record<string, unknown>>(collection: string, id: string): Promise<T | null> {
    return documents.getDocument<T>(this.conn, collection, id);
  }

  async getMany<T = Record<string, unknown>>(collection: string, ids: readonly string[]): Promise<Map<string, T>> {
    return documents.getDocuments<T>(this.conn, collection, ids);
  }

  async find<T = Record<string, unknown>>(collection: string, query: FindQuery): Promise<Page<T>> {
    return documents.findDocuments<T>(this.conn, collection, query);
  }

  async count(collection: string, where?: Record<string, FieldCondition>): Promise<number> {
    return documents.countDocuments(this.conn, collection, where);
  }

  async commit(projection: string, changes: readonly DocChange[], checkpoint: bigint, letters?: DeadLetterChanges): Promise<void> {
    commits.commitMany(this.conn, [{ projection, changes, checkpoint, deadLetters: letters }]);
  }

  async commitMany(batch: readonly ProjectionCommit[]): Promise<void> {
    commits.commitMany(this.conn, batch);
  }

  async dropIndexes(collections: readonly string[]): Promise<void> {
    documents.dropIndexes(this.conn, collections);
  }

  async commitRetry(projection: string, changes: readonly DocChange[], letters: DeadLetterChanges): Promise<void> {
    deadLetters.commitRetry(this.conn, projection, changes, letters);
  }

  async listDeadLetters(query: { projection?: string; limit?: number } = {}): Promise<DeadLetter[]> {
    return deadLetters.listDeadLetters(this.conn, query);
  }

  async countDeadLetters(): Promise<Record<string, number>> {
    return deadLetters.countDeadLetters(this.conn);
  }

  async digests(collection: string, page: { after?: string | null; limit: number }): Promise<{ id: string; sha256: string }[]> {
    return shadows.digests(this.conn, collection, page);
  }

  async promoteShadow(request: PromoteShadowRequest): Promise<void> {
    shadows.promoteShadow(this.conn, request);
  }

  async checksum(collection: string): Promise<{ count: number; sha256: string }> {
    return shadows.checksum(this.conn, collection);
  }

  async getCheckpoint(projection: string): Promise<bigint> {
    return commits.getCheckpoint(this.conn, projection);
  }

  async listCheckpoints(): Promise<CheckpointInfo[]> {
    return commits.listCheckpoints(this.conn);
  }

  async reset(projection: string, collections: readonly string[]): Promise<void> {
    commits.reset(this.conn, projection, collections);
  }

  async acquireLease(name: string, owner: string, timing: { ttlMs: number; nowMs: number }): Promise<LeaseState> {
    return leases.acquireLease(this.conn, name, owner, timing);
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    leases.releaseLease(this.conn, name, owner);
  }

  /** The connection's durability settings, for health output and for the test that they are what open() asked for. */
  settings(): { journalMode: string; synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA' } {
    return this.conn.run('settings', () => {
      const levels = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;
      return {
        journalMode: String(this.conn.db.pragma('journal_mode', { simple: true })),
        synchronous: levels[Number(this.conn.db.pragma('synchronous', { simple: true }))] ?? 'OFF',
      };
    });
  }

  async ping(): Promise<void> {
    this.conn.run('ping', () => {
      this.conn.stmt('SELECT 1').get();
      if (this.conn.db.inTransaction) return;
      // An empty write transaction: takes the write lock (or fails after the busy timeout), writes nothing.
      this.conn.db.exec('BEGIN IMMEDIATE');
      this.conn.db.exec('ROLLBACK');
    });
  }

  async close(): Promise<void> {
    this.conn.clearStatements();
    if (this.conn.db.open) this.conn.db.close();
  }
}
