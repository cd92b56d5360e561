import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { CheckpointRegressionError, InvalidDocumentError, InvalidQueryError, UnknownCollectionError } from '../errors';
import type {
  CheckpointInfo,
  CollectionSpec,
  DocChange,
  FieldCondition,
  FindQuery,
  Page,
  ReadModelStore,
} from '../read-model-store.port';
import { canonicalJson } from '../support/canonical-json';
import { encodeCursor, validateFindQuery, validateWhere } from '../support/find-query';
import { assertCollectionName, assertFieldName } from '../support/names';
import { mapSqliteError } from './sqlite-errors';
import { createIndexSql, findSql, tableName, whereSql, type SqlValue } from './sqlite-query';

export interface SqliteReadModelStoreOptions {
  /** Path of the database file; created if missing (its directory must exist). */
  file: string;
  /** How long a writer waits for another process's lock before failing as unavailable. Default 5000 ms. */
  busyTimeoutMs?: number;
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

  private constructor(private readonly db: Database.Database) {}

  /** Synchronous, like the driver: the file is usable when this returns. */
  static open(options: SqliteReadModelStoreOptions): SqliteReadModelStore {
    let db: Database.Database | undefined;
    try {
      db = new Database(options.file, { timeout: options.busyTimeoutMs ?? 5000 });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec('CREATE TABLE IF NOT EXISTS checkpoints (projection TEXT PRIMARY KEY, position INTEGER NOT NULL, updated_at TEXT NOT NULL)');
      return new SqliteReadModelStore(db);
    } catch (error) {
      db?.close();
      throw mapSqliteError(error, 'open');
    }
  }

  async ensureCollections(specs: readonly CollectionSpec[]): Promise<void> {
    const ddl: string[] = [];
    for (const spec of specs) {
      const name = assertCollectionName(spec.name);
      ddl.push(`CREATE TABLE IF NOT EXISTS ${tableName(name)} (id TEXT PRIMARY KEY NOT NULL, doc TEXT NOT NULL)`);
      for (const fields of spec.indexes) {
        if (fields.length === 0) throw new InvalidQueryError(`collection ${name}: an index needs at least one field`);
        ddl.push(createIndexSql(name, fields.map(assertFieldName)));
      }
    }
    this.run('ensureCollections', () => {
      this.db.transaction(() => ddl.forEach((sql) => this.db.exec(sql))).immediate();
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

  async commit(projection: string, changes: readonly DocChange[], checkpoint: bigint): Promise<void> {
    assertProjection(projection);
    if (typeof checkpoint !== 'bigint' || checkpoint < 0n) throw new TypeError('checkpoint must be a non-negative bigint');
    const updatedAt = new Date().toISOString();
    this.run('commit', () => {
      // Every change is validated inside the transaction: a bad one rolls back the ones before it too.
      this.db
        .transaction(() => {
          const stored = this.readCheckpoint(projection);
          if (checkpoint < stored) throw new CheckpointRegressionError(projection, stored, checkpoint);
          for (const change of changes) this.write(change);
          this.stmt(
            'INSERT INTO checkpoints (projection, position, updated_at) VALUES (?, ?, ?) ' +
              'ON CONFLICT(projection) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at',
          ).run(projection, checkpoint, updatedAt);
        })
        .immediate();
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

  async ping(): Promise<void> {
    this.run('ping', () => this.stmt('SELECT 1').get());
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
    const json = canonicalJson(change.doc);
    this.stmt(`INSERT INTO ${tableName(collection)} (id, doc) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc`).run(change.id, json);
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
