import { systemWallClock, type WallClock } from '@robo/clock';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { CheckpointMovedError, CheckpointRegressionError, InvalidDocumentError, InvalidQueryError, UnknownCollectionError } from '../errors';
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
import { decodeDeadLetter, docDigest, encodeDeadLetter, MAX_DEAD_LETTER_LIST } from '../support/dead-letters';
import { assertLease } from '../support/leases';
import { canonicalJson } from '../support/canonical-json';
import { encodeCursor, validateFindQuery, validateWhere } from '../support/find-query';
import { assertCollectionName, assertFieldName } from '../support/names';
import { mapSqliteError } from './sqlite-errors';
import { createIndexSql, findSql, indexName, tableName, whereSql, type SqlValue } from './sqlite-query';

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

const GET_MANY_CHUNK = 500;
const STATEMENT_CACHE_LIMIT = 500;

/**
 * Read models in one SQLite file: a table per collection (id, canonical JSON doc) with expression indexes,
 * and a checkpoints table written in the same transaction as the documents.
 * WAL lets the api read while the projector writes, also from another process.
 */
export class SqliteReadModelStore implements ReadModelStore {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly knownTables = new Set<string>();

  private constructor(
    private readonly db: Database.Database,
    private readonly clock: WallClock,
  ) {}

  /** Synchronous, like the driver: the file is usable when this returns. */
  static open(options: SqliteReadModelStoreOptions): SqliteReadModelStore {
    let db: Database.Database | undefined;
    try {
      // Short: better-sqlite3 waits for a lock synchronously, blocking the event loop. A projection whose commit finds
      // the file locked by another process gives up quickly and retries with backoff instead of freezing the api.
      if (options.readOnly) {
        db = new Database(options.file, { readonly: true, fileMustExist: true, timeout: options.busyTimeoutMs ?? 250 });
        return new SqliteReadModelStore(db, options.clock ?? systemWallClock);
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
      return new SqliteReadModelStore(db, options.clock ?? systemWallClock);
    } catch (error) {
      db?.close();
      throw mapSqliteError(error, 'open');
    }
  }

  /** Creates what is missing, and drops this store's indexes that a spec no longer declares (each costs every write). */
  async ensureCollections(specs: readonly CollectionSpec[]): Promise<void> {
    const planned = specs.map((spec) => {
      const name = assertCollectionName(spec.name);
      const indexes = spec.indexes.map((fields) => {
        if (fields.length === 0) throw new InvalidQueryError(`collection ${name}: an index needs at least one field`);
        const checked = fields.map(assertFieldName);
        return { name: indexName(name, checked), sql: createIndexSql(name, checked) };
      });
      return { name, indexes };
    });
    this.run('ensureCollections', () => {
      let dropped = false;
      this.db
        .transaction(() => {
          for (const { name, indexes } of planned) {
            this.db.exec(`CREATE TABLE IF NOT EXISTS ${tableName(name)} (id TEXT PRIMARY KEY NOT NULL, doc TEXT NOT NULL)`);
            const declared = new Set(indexes.map((index) => index.name));
            for (const existing of this.indexesOf(name)) {
              if (existing.startsWith(`ix_${name}__`) && !declared.has(existing)) {
                this.db.exec(`DROP INDEX ${existing}`);
                dropped = true;
              }
            }
            indexes.forEach((index) => this.db.exec(index.sql));
          }
        })
        .immediate();
      // Statements planned with a dropped index are prepared again on their next use.
      if (dropped) this.statements.clear();
      specs.forEach((spec) => this.knownTables.add(spec.name));
    });
  }

  async get<T = Record<string, unknown>>(collection: string, id: string): Promise<T | null> {
    assertCollectionName(collection);
    assertId(id);
    return this.run('get', () => {
      if (!this.hasTable(collection)) return null;
      const row = this.stmt(`SELECT doc FROM ${tableName(collection)} WHERE id = ?`).get(id) as { doc: string } | undefined;
      return row ? (JSON.parse(row.doc) as T) : null;
    });
  }

  async getMany<T = Record<string, unknown>>(collection: string, ids: readonly string[]): Promise<Map<string, T>> {
    assertCollectionName(collection);
    ids.forEach(assertId);
    return this.run('getMany', () => {
      const found = new Map<string, T>();
      if (ids.length === 0 || !this.hasTable(collection)) return found;
      const unique = [...new Set(ids)];
      for (let start = 0; start < unique.length; start += GET_MANY_CHUNK) {
        const chunk = unique.slice(start, start + GET_MANY_CHUNK);
        const sql = `SELECT id, doc FROM ${tableName(collection)} WHERE id IN (${chunk.map(() => '?').join(', ')})`;
        for (const row of this.stmt(sql).all(...chunk) as { id: string; doc: string }[]) found.set(row.id, JSON.parse(row.doc) as T);
      }
      return found;
    });
  }

  async find<T = Record<string, unknown>>(collection: string, query: FindQuery): Promise<Page<T>> {
    assertCollectionName(collection);
    const validated = validateFindQuery(query);
    return this.run('find', () => {
      if (!this.hasTable(collection)) return { items: [], nextCursor: null };
      const { sql, params } = findSql(collection, validated);
      const rows = this.stmt(sql).all(...params) as { id: string; doc: string; order_value: SqlValue }[];
      const pageRows = rows.slice(0, validated.limit);
      const last = pageRows[pageRows.length - 1];
      return {
        items: pageRows.map((row) => JSON.parse(row.doc) as T),
        nextCursor: rows.length > validated.limit && last ? encodeCursor(validated.orderBy, { value: last.order_value, id: last.id }) : null,
      };
    });
  }

  async count(collection: string, where?: Record<string, FieldCondition>): Promise<number> {
    assertCollectionName(collection);
    const { sql, params } = whereSql(validateWhere(where));
    return this.run('count', () => {
      if (!this.hasTable(collection)) return 0;
      return (this.stmt(`SELECT COUNT(*) AS n FROM ${tableName(collection)}${sql}`).get(...params) as { n: number }).n;
    });
  }

  async commit(projection: string, changes: readonly DocChange[], checkpoint: bigint, deadLetters?: DeadLetterChanges): Promise<void> {
    return this.commitMany([{ projection, changes, checkpoint, deadLetters }]);
  }

  /** One transaction for all: one WAL append and one lock instead of one per projection. */
  async commitMany(commits: readonly ProjectionCommit[]): Promise<void> {
    for (const { projection, checkpoint } of commits) {
      assertProjection(projection);
      if (typeof checkpoint !== 'bigint' || checkpoint < 0n) throw new TypeError('checkpoint must be a non-negative bigint');
    }
    const updatedAt = this.clock.now();
    this.run('commit', () => {
      // Every change is validated inside the transaction: a bad one rolls back the ones before it too.
      this.db
        .transaction(() => {
          for (const { projection, changes, checkpoint, deadLetters } of commits) {
            const stored = this.readCheckpoint(projection);
            if (checkpoint < stored) throw new CheckpointRegressionError(projection, stored, checkpoint);
            for (const change of changes) this.write(change);
            if (deadLetters) this.writeDeadLetters(projection, deadLetters);
            this.stmt(
              'INSERT INTO checkpoints (projection, position, updated_at) VALUES (?, ?, ?) ' +
                'ON CONFLICT(projection) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at',
            ).run(projection, checkpoint, updatedAt);
          }
        })
        .immediate();
    });
  }

  /** Names of the indexes made on the collection's table (not the primary key's). */
  private indexesOf(collection: string): string[] {
    const rows = this.stmt("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL").all(tableName(collection)) as { name: string }[];
    return rows.map((row) => row.name);
  }

  /** Creating an index over loaded rows sorts once; maintaining it row by row touches a random page per insert. */
  async dropIndexes(collections: readonly string[]): Promise<void> {
    collections.forEach(assertCollectionName);
    this.run('dropIndexes', () => {
      this.db
        .transaction(() => {
          for (const collection of collections) {
            for (const name of this.indexesOf(collection)) if (name.startsWith(`ix_${collection}__`)) this.db.exec(`DROP INDEX ${name}`);
          }
        })
        .immediate();
      // Statements planned with the dropped indexes are prepared again on their next use.
      this.statements.clear();
    });
  }

  async commitRetry(projection: string, changes: readonly DocChange[], deadLetters: DeadLetterChanges): Promise<void> {
    assertProjection(projection);
    this.run('commitRetry', () => {
      this.db
        .transaction(() => {
          for (const change of changes) this.write(change);
          this.writeDeadLetters(projection, deadLetters);
        })
        .immediate();
    });
  }

  async listDeadLetters(query: { projection?: string; limit?: number } = {}): Promise<DeadLetter[]> {
    const limit = Math.min(Math.max(1, Math.trunc(query.limit ?? MAX_DEAD_LETTER_LIST)), MAX_DEAD_LETTER_LIST);
    return this.run('listDeadLetters', () => {
      const rows = (
        query.projection === undefined
          ? this.stmt('SELECT letter FROM dead_letters ORDER BY projection, position LIMIT ?').all(limit)
          : this.stmt('SELECT letter FROM dead_letters WHERE projection = ? ORDER BY position LIMIT ?').all(query.projection, limit)
      ) as { letter: string }[];
      return rows.map((row) => decodeDeadLetter(row.letter));
    });
  }

  async countDeadLetters(): Promise<Record<string, number>> {
    return this.run('countDeadLetters', () => {
      const rows = this.stmt('SELECT projection, COUNT(*) AS n FROM dead_letters GROUP BY projection').all() as { projection: string; n: number }[];
      return Object.fromEntries(rows.map((row) => [row.projection, row.n]));
    });
  }

  async digests(collection: string, page: { after?: string | null; limit: number }): Promise<{ id: string; sha256: string }[]> {
    assertCollectionName(collection);
    const limit = Math.min(Math.max(1, Math.trunc(page.limit)), 1000);
    return this.run('digests', () => {
      if (!this.hasTable(collection)) return [];
      const rows = (
        page.after == null
          ? this.stmt(`SELECT id, doc FROM ${tableName(collection)} ORDER BY id LIMIT ?`).all(limit)
          : this.stmt(`SELECT id, doc FROM ${tableName(collection)} WHERE id > ? ORDER BY id LIMIT ?`).all(page.after, limit)
      ) as { id: string; doc: string }[];
      return rows.map((row) => ({ id: row.id, sha256: docDigest(row.doc) }));
    });
  }

  /** One transaction: table renames (indexes renamed with them), checkpoint and dead letters; readers see the old or the new copy. */
  async promoteShadow(request: PromoteShadowRequest): Promise<void> {
    assertProjection(request.projection);
    assertProjection(request.shadowProjection);
    for (const pair of request.collections) {
      assertCollectionName(pair.live);
      assertCollectionName(pair.shadow);
    }
    this.run('promoteShadow', () => {
      this.db
        .transaction(() => {
          const live = this.readCheckpoint(request.projection);
          if (live !== request.expectedCheckpoint) throw new CheckpointMovedError(request.projection, request.expectedCheckpoint, live);
          const shadowCheckpoint = this.readCheckpoint(request.shadowProjection);
          for (const pair of request.collections) {
            if (!this.hasTable(pair.shadow)) throw new UnknownCollectionError(pair.shadow);
            this.db.exec(`DROP TABLE IF EXISTS ${tableName(pair.live)}`);
            this.db.exec(`ALTER TABLE ${tableName(pair.shadow)} RENAME TO ${tableName(pair.live)}`);
            const indexes = this.db
              .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL")
              .all(tableName(pair.live)) as { name: string; sql: string }[];
            const shadowPrefix = `ix_${pair.shadow}__`;
            for (const index of indexes) {
              if (!index.name.startsWith(shadowPrefix)) continue;
              // Keep the live names so ensureCollections() finds them and a later shadow gets its own.
              const renamed = `ix_${pair.live}__${index.name.slice(shadowPrefix.length)}`;
              this.db.exec(`DROP INDEX ${index.name}`);
              this.db.exec(index.sql.replace(index.name, renamed));
            }
          }
          this.stmt('DELETE FROM dead_letters WHERE projection = ?').run(request.projection);
          const moved = this.stmt('SELECT id, letter FROM dead_letters WHERE projection = ?').all(request.shadowProjection) as { id: string; letter: string }[];
          this.stmt('DELETE FROM dead_letters WHERE projection = ?').run(request.shadowProjection);
          for (const row of moved) {
            const letter = decodeDeadLetter(row.letter);
            const id = `${request.projection}:${letter.position}`;
            const blockedBy = letter.blockedBy === null ? null : `${request.projection}:${letter.blockedBy.slice(request.shadowProjection.length + 1)}`;
            this.insertDeadLetter({ ...letter, id, projection: request.projection, blockedBy });
          }
          this.stmt(
            'INSERT INTO checkpoints (projection, position, updated_at) VALUES (?, ?, ?) ' +
              'ON CONFLICT(projection) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at',
          ).run(request.projection, shadowCheckpoint, this.clock.now());
          this.stmt('DELETE FROM checkpoints WHERE projection = ?').run(request.shadowProjection);
        })
        .immediate();
      for (const pair of request.collections) this.knownTables.delete(pair.shadow);
      // Statements prepared against the dropped tables would fail; SQLite re-prepares them, but start clean.
      this.statements.clear();
    });
  }

  async getCheckpoint(projection: string): Promise<bigint> {
    assertProjection(projection);
    return this.run('getCheckpoint', () => this.readCheckpoint(projection));
  }

  async listCheckpoints(): Promise<CheckpointInfo[]> {
    return this.run('listCheckpoints', () => {
      const rows = this.stmt('SELECT projection, position, updated_at FROM checkpoints ORDER BY projection')
        .safeIntegers(true)
        .all() as { projection: string; position: bigint; updated_at: string }[];
      return rows.map((row) => ({ projection: row.projection, position: row.position, updatedAt: row.updated_at }));
    });
  }

  async reset(projection: string, collections: readonly string[]): Promise<void> {
    assertProjection(projection);
    collections.forEach(assertCollectionName);
    this.run('reset', () => {
      this.db
        .transaction(() => {
          for (const collection of collections) {
            if (this.hasTable(collection)) this.stmt(`DELETE FROM ${tableName(collection)}`).run();
          }
          this.stmt('DELETE FROM checkpoints WHERE projection = ?').run(projection);
          this.stmt('DELETE FROM dead_letters WHERE projection = ?').run(projection);
        })
        .immediate();
    });
  }

  async checksum(collection: string): Promise<{ count: number; sha256: string }> {
    assertCollectionName(collection);
    return this.run('checksum', () => {
      const hash = createHash('sha256');
      let count = 0;
      if (this.hasTable(collection)) {
        // One statement reads one snapshot; iterate() avoids holding the whole collection in memory.
        for (const row of this.stmt(`SELECT id, doc FROM ${tableName(collection)} ORDER BY id`).iterate() as IterableIterator<{ id: string; doc: string }>) {
          hash.update(`${row.id}\n${row.doc}\n`);
          count += 1;
        }
      }
      return { count, sha256: hash.digest('hex') };
    });
  }

  /** The connection's durability settings, for health output and for the test that they are what open() asked for. */
  settings(): { journalMode: string; synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA' } {
    return this.run('settings', () => {
      const levels = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;
      return {
        journalMode: String(this.db.pragma('journal_mode', { simple: true })),
        synchronous: levels[Number(this.db.pragma('synchronous', { simple: true }))] ?? 'OFF',
      };
    });
  }

  /** Answers only when the store can take writes too: projections that cannot commit make the api not ready. */
  async acquireLease(name: string, owner: string, timing: { ttlMs: number; nowMs: number }): Promise<LeaseState> {
    assertLease(name, owner, timing);
    return this.run('acquireLease', () =>
      this.db
        .transaction((): LeaseState => {
          const current = this.stmt('SELECT owner, expires_at_ms FROM leases WHERE name = ?').get(name) as { owner: string; expires_at_ms: number } | undefined;
          if (current && current.owner !== owner && current.expires_at_ms > timing.nowMs) return { held: false, owner: current.owner, expiresAtMs: current.expires_at_ms };
          const expiresAtMs = timing.nowMs + timing.ttlMs;
          this.stmt('INSERT INTO leases (name, owner, expires_at_ms) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at_ms = excluded.expires_at_ms').run(
            name,
            owner,
            expiresAtMs,
          );
          return { held: true, owner, expiresAtMs };
        })
        .immediate(),
    );
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    assertLease(name, owner);
    this.run('releaseLease', () => this.stmt('DELETE FROM leases WHERE name = ? AND owner = ?').run(name, owner));
  }

  async ping(): Promise<void> {
    this.run('ping', () => {
      this.stmt('SELECT 1').get();
      if (this.db.inTransaction) return;
      // An empty write transaction: takes the write lock (or fails after the busy timeout), writes nothing.
      this.db.exec('BEGIN IMMEDIATE');
      this.db.exec('ROLLBACK');
    });
  }

  async close(): Promise<void> {
    this.statements.clear();
    if (this.db.open) this.db.close();
  }

  private write(change: DocChange): void {
    const collection = assertCollectionName(change.collection);
    assertId(change.id);
    if (!this.hasTable(collection)) throw new UnknownCollectionError(collection);
    if (change.doc === null) {
      this.stmt(`DELETE FROM ${tableName(collection)} WHERE id = ?`).run(change.id);
      return;
    }
    if (typeof change.doc !== 'object' || Array.isArray(change.doc)) {
      throw new InvalidDocumentError(`${collection}/${change.id}: a document must be an object`);
    }
    const json = change.json ?? canonicalJson(change.doc);
    this.stmt(`INSERT INTO ${tableName(collection)} (id, doc) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc`).run(change.id, json);
  }

  private writeDeadLetters(projection: string, changes: DeadLetterChanges): void {
    for (const id of changes.remove ?? []) this.stmt('DELETE FROM dead_letters WHERE id = ? AND projection = ?').run(id, projection);
    for (const letter of changes.park ?? []) {
      if (letter.projection !== projection) throw new InvalidDocumentError(`dead letter ${letter.id} belongs to ${letter.projection}, not ${projection}`);
      this.insertDeadLetter(letter);
    }
  }

  private insertDeadLetter(letter: DeadLetter): void {
    this.stmt('INSERT INTO dead_letters (id, projection, position, letter) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET letter = excluded.letter').run(
      letter.id,
      letter.projection,
      letter.position,
      encodeDeadLetter(letter),
    );
  }

  private readCheckpoint(projection: string): bigint {
    const row = this.stmt('SELECT position FROM checkpoints WHERE projection = ?').safeIntegers(true).get(projection) as
      | { position: bigint }
      | undefined;
    return row ? row.position : 0n;
  }

  /** Another process (the projector) may create collections after this one opened, so a miss looks again. */
  private hasTable(collection: string): boolean {
    if (this.knownTables.has(collection)) return true;
    const found = this.stmt("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(tableName(collection));
    if (found) this.knownTables.add(collection);
    return found !== undefined;
  }

  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= STATEMENT_CACHE_LIMIT) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private run<T>(operation: string, fn: () => T): T {
    try {
      if (!this.db.open) throw new TypeError('The database connection is not open');
      return fn();
    } catch (error) {
      throw mapSqliteError(error, operation);
    }
  }
}

function assertId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) throw new InvalidQueryError(`document id must be a non-empty string, got ${JSON.stringify(id)}`);
}

function assertProjection(projection: unknown): asserts projection is string {
  if (typeof projection !== 'string' || projection.length === 0) throw new InvalidQueryError('projection name must be a non-empty string');
}
