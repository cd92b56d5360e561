import type { WallClock } from '@robo/clock';
import type Database from 'better-sqlite3';
import { mapSqliteError } from './sqlite-errors';
import { tableName } from './sqlite-query';

const STATEMENT_CACHE_LIMIT = 500;

/**
 * The open database file shared by the store's parts (documents, commits, dead letters, shadows, leases): a cache of
 * prepared statements, the tables known to exist, the checkpoints table, and the mapping of driver errors.
 */
export class SqliteConnection {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly knownTables = new Set<string>();

  constructor(
    readonly db: Database.Database,
    readonly clock: WallClock,
  ) {}

  /** Another process (the projector) may create collections after this one opened, so a miss looks again. */
  hasTable(collection: string): boolean {
    if (this.knownTables.has(collection)) return true;
    const found = this.stmt("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(tableName(collection));
    if (found) this.knownTables.add(collection);
    return found !== undefined;
  }

  knowTable(collection: string): void {
    this.knownTables.add(collection);
  }

  forgetTable(collection: string): void {
    this.knownTables.delete(collection);
  }

  /** Names of the indexes made on the collection's table (not the primary key's). */
  indexesOf(collection: string): string[] {
    const rows = this.stmt("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL").all(tableName(collection)) as { name: string }[];
    return rows.map((row) => row.name);
  }

  readCheckpoint(projection: string): bigint {
    const row = this.stmt('SELECT position FROM checkpoints WHERE projection = ?').safeIntegers(true).get(projection) as
      | { position: bigint }
      | undefined;
    return row ? row.position : 0n;
  }

  writeCheckpoint(projection: string, position: bigint, updatedAt: string): void {
    this.stmt(
      'INSERT INTO checkpoints (projection, position, updated_at) VALUES (?, ?, ?) ' +
        'ON CONFLICT(projection) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at',
    ).run(projection, position, updatedAt);
  }

  stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= STATEMENT_CACHE_LIMIT) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Statements planned with a dropped index or table are prepared again on their next use. */
  clearStatements(): void {
    this.statements.clear();
  }

  run<T>(operation: string, fn: () => T): T {
    try {
      if (!this.db.open) throw new TypeError('The database connection is not open');
      return fn();
    } catch (error) {
      throw mapSqliteError(error, operation);
    }
  }
}
