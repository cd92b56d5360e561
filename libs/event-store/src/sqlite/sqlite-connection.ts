import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { EventEnvelope, EventMetadata } from '../envelope';
import type { AllFilter } from '../event-store.port';
import { StoreUnavailableError } from '../errors';
import type { PreparedEvent } from './append-validation';
import { asStoreError } from './sqlite-errors';
import { currentVersion, migrate, SCHEMA_VERSION } from './sqlite-schema';

export interface ConnectionOptions {
  file: string;
  busyTimeoutMs: number;
  /** False when re-opening after a failure: a vanished file must stay an error, not become an empty log. */
  create: boolean;
  /** WAL pages after which a COMMIT on this connection checkpoints inline (SQLite's default, 1000, when absent). */
  autocheckpointPages?: number;
  /**
   * Open the file read-only: it must exist with the current schema, and nothing (pragma, migration, append) writes to
   * it. A finished backtest's log is read this way, so that its bytes, and its hash, stay as the run left them.
   */
  readOnly?: boolean;
  /** 'full' (default): every COMMIT fsyncs the WAL. 'none': no fsync at all (see SqliteEventStoreOptions.durability). */
  durability?: SqliteDurability;
}

/**
 * What a commit survives: 'full' a power cut (synchronous=FULL, the WAL fsynced at every COMMIT); 'none' a crash of the
 * process but not of the machine (synchronous=OFF: nothing is ever fsynced, so a power cut or an OS crash can lose
 * commits or corrupt the file). 'none' is for files rebuilt from their inputs rather than recovered, such as a
 * backtest's run folder; never for a live data directory.
 */
export type SqliteDurability = 'full' | 'none';

/**
 * A row of EVENT_COLUMNS as an array, in that order. Event reads fetch rows raw: building an object with named
 * properties per row took half of the time of reading a 1,000-event stream.
 */
type EventRow = [globalPosition: bigint, streamName: string, streamRevision: bigint, type: string, data: string, metadata: string, recordedAt: string];

export interface StoredEventRef {
  stream_name: string;
  stream_revision: bigint;
  global_position: bigint;
}

/** Largest value SQLite's INTEGER holds; stands for "no upper bound" on revisions. */
const MAX_INT64 = 9223372036854775807n;
const EVENT_COLUMNS = 'global_position, stream_name, stream_revision, type, data, metadata, recorded_at';

/** One better-sqlite3 handle and its prepared statements; thrown away whole when the file misbehaves. */
export class SqliteConnection {
  private readonly headStmt: Database.Statement<[], { head: bigint }>;
  private readonly streamHeadStmt: Database.Statement<[string], { revision: bigint | null }>;
  private readonly findEventStmt: Database.Statement<[string], StoredEventRef>;
  private readonly insertStmt: Database.Statement<[string, bigint, string, string, string, string, string]>;
  private readonly forwardsStmt: Database.Statement<[string, bigint, number], EventRow>;
  private readonly backwardsStmt: Database.Statement<[string, bigint, number], EventRow>;
  private readonly latestStmt: Database.Statement<[bigint, number], EventRow>;
  private readonly allStmts = new Map<string, Database.Statement<unknown[], EventRow>>();
  /** Transaction control runs several times per group commit: prepared once rather than parsed by exec() each time. */
  private readonly control: Record<'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo', Database.Statement<[]>>;

  private constructor(readonly db: Database.Database) {
    // Revisions and positions are 64-bit: read them as bigint so that nothing is rounded past 2^53.
    this.headStmt = db.prepare<[], { head: bigint }>('SELECT COALESCE(MAX(global_position), 0) AS head FROM events').safeIntegers(true);
    this.streamHeadStmt = db
      .prepare<[string], { revision: bigint | null }>('SELECT MAX(stream_revision) AS revision FROM events WHERE stream_name = ?')
      .safeIntegers(true);
    this.findEventStmt = db
      .prepare<[string], StoredEventRef>('SELECT stream_name, stream_revision, global_position FROM events WHERE event_id = ?')
      .safeIntegers(true);
    this.insertStmt = db
      .prepare<[string, bigint, string, string, string, string, string]>(
        'INSERT INTO events (stream_name, stream_revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .safeIntegers(true);
    this.control = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      savepoint: db.prepare('SAVEPOINT append_call'),
      release: db.prepare('RELEASE append_call'),
      rollbackTo: db.prepare('ROLLBACK TO append_call'),
    };
    this.latestStmt = db
      .prepare<[bigint, number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE global_position < ? ORDER BY global_position DESC LIMIT ?`)
      .raw(true)
      .safeIntegers(true);
    this.forwardsStmt = db
      .prepare<[string, bigint, number], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_name = ? AND stream_revision >= ? ORDER BY stream_revision ASC LIMIT ?`,
      )
      .raw(true)
      .safeIntegers(true);
    this.backwardsStmt = db
      .prepare<[string, bigint, number], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_name = ? AND stream_revision <= ? ORDER BY stream_revision DESC LIMIT ?`,
      )
      .raw(true)
      .safeIntegers(true);
  }

  static open(options: ConnectionOptions): SqliteConnection {
    let db: Database.Database | undefined;
    try {
      if (options.readOnly) {
        db = new Database(options.file, { readonly: true, fileMustExist: true, timeout: options.busyTimeoutMs });
        if (currentVersion(db) !== SCHEMA_VERSION) throw new StoreUnavailableError(`${options.file}: schema version ${currentVersion(db)}, not ${SCHEMA_VERSION}: it cannot be read without migrating it`);
        return new SqliteConnection(db);
      }
      if (options.create) fs.mkdirSync(path.dirname(options.file), { recursive: true });
      db = new Database(options.file, { fileMustExist: !options.create, timeout: options.busyTimeoutMs });
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`);
      // WAL lets readers (projectors, other processes) run while one writer appends.
      const mode = String(db.pragma('journal_mode = WAL', { simple: true }));
      if (mode.toLowerCase() !== 'wal') throw new StoreUnavailableError(`${options.file}: WAL journal mode unavailable (got ${mode})`);
      // An acknowledged append must survive a SIGKILL and a power cut. In WAL mode synchronous=NORMAL survives
      // a process crash but can lose the last commits on power loss; FULL fsyncs the WAL on every COMMIT.
      // Group commit is what keeps that fsync affordable. A rebuildable file (durability 'none') is fsynced never.
      db.pragma(options.durability === 'none' ? 'synchronous = OFF' : 'synchronous = FULL');
      if (options.autocheckpointPages !== undefined) db.pragma(`wal_autocheckpoint = ${Math.max(0, Math.floor(options.autocheckpointPages))}`);
      migrate(db);
      return new SqliteConnection(db);
    } catch (error) {
      closeQuietly(db);
      if (error instanceof StoreUnavailableError) throw error;
      const wrapped = asStoreError(error, `opening ${options.file}`);
      // Whatever stops the file from opening (a missing directory, a file that is not a database) makes the store unusable.
      throw wrapped instanceof StoreUnavailableError
        ? wrapped
        : new StoreUnavailableError(`event store unavailable while opening ${options.file}: ${String(error)}`, error);
    }
  }

  close(): void {
    closeQuietly(this.db);
  }

  begin(): void {
    this.control.begin.run();
  }

  commit(): void {
    this.control.commit.run();
  }

  rollback(): void {
    this.control.rollback.run();
  }

  savepoint(): void {
    this.control.savepoint.run();
  }

  releaseSavepoint(): void {
    this.control.release.run();
  }

  /** Undoes everything since savepoint() and ends the savepoint. */
  rollbackToSavepoint(): void {
    this.control.rollbackTo.run();
    this.control.release.run();
  }

  head(): bigint {
    return this.headStmt.get()?.head ?? 0n;
  }

  /** Revision of the stream's last event, or null when it has none. */
  streamRevision(streamName: string): bigint | null {
    return this.streamHeadStmt.get(streamName)?.revision ?? null;
  }

  findEvent(eventIdKey: string): StoredEventRef | undefined {
    return this.findEventStmt.get(eventIdKey);
  }

  /** Returns the global position given to the event. */
  insert(streamName: string, revision: bigint, event: PreparedEvent, recordedAt: string): bigint {
    const info = this.insertStmt.run(streamName, revision, event.eventIdKey, event.type, event.dataJson, event.metadataJson, recordedAt);
    // A bigint already: the statement reads safe integers.
    return info.lastInsertRowid as bigint;
  }

  readStream(streamName: string, backwards: boolean, fromRevision: bigint | undefined, limit: number): EventEnvelope[] {
    const rows = backwards
      ? this.backwardsStmt.all(streamName, fromRevision ?? MAX_INT64, limit)
      : this.forwardsStmt.all(streamName, fromRevision ?? 0n, limit);
    return rows.map(toEnvelope);
  }

  /** Events with globalPosition < before, newest first (an index walk backwards from `before`). */
  readBackwards(before: bigint, limit: number): EventEnvelope[] {
    return this.latestStmt.all(before, limit).map(toEnvelope);
  }

  /** Events with after < globalPosition <= upTo that pass the filter, in global order. */
  readRange(after: bigint, upTo: bigint, limit: number, filter: AllFilter | undefined): EventEnvelope[] {
    const types = filter?.eventTypes ?? [];
    const prefixes = filter?.streamPrefixes ?? [];
    return this.rangeStatement(types.length, prefixes.length)
      .all(after, upTo, ...types, ...prefixes, limit)
      .map(toEnvelope);
  }

  private rangeStatement(typeCount: number, prefixCount: number): Database.Statement<unknown[], EventRow> {
    const key = `${typeCount}:${prefixCount}`;
    let stmt = this.allStmts.get(key);
    if (stmt === undefined) {
      const where = ['global_position > ?', 'global_position <= ?'];
      if (typeCount > 0) where.push(`type IN (${Array<string>(typeCount).fill('?').join(', ')})`);
      // instr(...) = 1 is an exact, case-sensitive prefix test; LIKE would treat % and _ as wildcards
      // and ignore ASCII case.
      if (prefixCount > 0) where.push(`(${Array<string>(prefixCount).fill('instr(stream_name, ?) = 1').join(' OR ')})`);
      stmt = this.db
        .prepare<unknown[], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY global_position LIMIT ?`)
        .raw(true)
        .safeIntegers(true);
      this.allStmts.set(key, stmt);
    }
    return stmt;
  }
}

function toEnvelope([globalPosition, streamName, streamRevision, type, data, metadata, recordedAt]: EventRow): EventEnvelope {
  return {
    type,
    data: JSON.parse(data) as unknown,
    metadata: JSON.parse(metadata) as EventMetadata,
    streamName,
    streamRevision,
    globalPosition,
    recordedAt,
  };
}

function closeQuietly(db: Database.Database | undefined): void {
  try {
    if (db?.open) db.close();
  } catch {
    // Closing a handle whose file already failed can fail too; the handle is dropped either way.
  }
}
