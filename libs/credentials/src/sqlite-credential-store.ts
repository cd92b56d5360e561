import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { isSqliteUnavailableError as isUnavailableError } from '@robo/event-store';
import { ApiKeyRecord, CredentialStore, CredentialStoreUnavailableError, NewApiKey } from './credential-store.port';
import type { Role } from './roles';

/** Records kept between changes of the file; past this many they are all dropped (unknown key ids are kept too). */
const MAX_RECORDS = 10_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS api_keys (
  kid TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS grants (
  kid TEXT NOT NULL REFERENCES api_keys(kid),
  account_id TEXT NOT NULL,
  granted_at TEXT NOT NULL,
  granted_by TEXT NOT NULL,
  PRIMARY KEY (kid, account_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS first_key (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  kid TEXT NOT NULL,
  confirmed INTEGER NOT NULL DEFAULT 0
);
`;

interface KeyRow {
  kid: string;
  name: string;
  role: Role;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
}

/**
 * API keys in DATA_DIR/auth.db (WAL, so the CLI can add keys while the api runs). After an unavailability error
 * the handle is dropped and the next call re-opens the file, never re-creating it: a vanished file must stay an
 * error rather than become an empty store that the first-start bootstrap would fill with a new admin key.
 */
export class SqliteCredentialStore implements CredentialStore {
  private db: Database.Database | null;
  private closed = false;
  private readonly prepared = new WeakMap<Database.Database, Map<string, Database.Statement>>();
  /**
   * Records read per request, kept while the file is unchanged: SQLite's data_version moves when another connection
   * (the CLI, another process) commits, and this store's own writes clear them. So a revocation is seen at once.
   */
  private readonly records = new Map<string, ApiKeyRecord | null>();
  private recordsVersion: number | null = null;

  private constructor(private readonly file: string, db: Database.Database) {
    this.db = db;
  }

  static open(options: { file: string }): SqliteCredentialStore {
    try {
      fs.mkdirSync(path.dirname(options.file), { recursive: true });
      return new SqliteCredentialStore(options.file, SqliteCredentialStore.connect(options.file, true));
    } catch (error) {
      throw wrap(error, 'opening');
    }
  }

  private static connect(file: string, create: boolean): Database.Database {
    const db = new Database(file, { fileMustExist: !create, timeout: 5000 });
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.exec(SCHEMA);
      return db;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  async create(key: NewApiKey): Promise<boolean> {
    return this.write('creating a key', (db) => db.transaction(() => this.insert(db, key)).immediate());
  }

  /**
   * In one transaction: an unconfirmed first key (a start that stopped before showing it) is deleted, then the key
   * is created with the marker naming it, if the store is empty. The marker is confirmed by confirmFirstKey.
   */
  async createIfEmpty(key: NewApiKey): Promise<boolean> {
    return this.write('creating the first key', (db) =>
      db
        .transaction(() => {
          const marker = this.stmt(db, 'SELECT kid, confirmed FROM first_key WHERE id = 1').get() as { kid: string; confirmed: number } | undefined;
          if (marker !== undefined && marker.confirmed === 1) return false;
          if (marker !== undefined) {
            this.stmt(db, 'DELETE FROM grants WHERE kid = ?').run(marker.kid);
            this.stmt(db, 'DELETE FROM api_keys WHERE kid = ?').run(marker.kid);
            this.stmt(db, 'DELETE FROM first_key WHERE id = 1').run();
          }
          const { n } = this.stmt(db, 'SELECT COUNT(*) AS n FROM api_keys').get() as { n: number };
          if (n !== 0 || !this.insert(db, key)) return false;
          this.stmt(db, 'INSERT INTO first_key (id, kid, confirmed) VALUES (1, ?, 0)').run(key.kid);
          return true;
        })
        .immediate(),
    );
  }

  async confirmFirstKey(kid: string): Promise<boolean> {
    return this.write('confirming the first key', (db) => this.stmt(db, 'UPDATE first_key SET confirmed = 1 WHERE id = 1 AND kid = ? AND confirmed = 0').run(kid).changes === 1);
  }

  /** The record as stored now (frozen: it may be shared by later calls). */
  async get(kid: string): Promise<ApiKeyRecord | null> {
    return this.use('reading a key', (db) => {
      const version = this.stmt(db, 'PRAGMA data_version').pluck().get() as number;
      if (version !== this.recordsVersion) {
        this.records.clear();
        this.recordsVersion = version;
      }
      const known = this.records.get(kid);
      if (known !== undefined) return known;
      const row = this.stmt(db, 'SELECT kid, name, role, created_at, created_by, revoked_at FROM api_keys WHERE kid = ?').get(kid) as KeyRow | undefined;
      const grants = row ? (this.stmt(db, 'SELECT account_id FROM grants WHERE kid = ? ORDER BY account_id').pluck().all(kid) as string[]) : [];
      const record = row ? Object.freeze(toRecord(row, Object.freeze(grants) as string[])) : null;
      if (this.records.size >= MAX_RECORDS) this.records.clear();
      this.records.set(kid, record);
      return record;
    });
  }

  async secretHash(kid: string): Promise<string | null> {
    return this.use('reading a key', (db) => (this.stmt(db, 'SELECT secret_hash FROM api_keys WHERE kid = ?').pluck().get(kid) as string | undefined) ?? null);
  }

  async list(): Promise<ApiKeyRecord[]> {
    return this.use('listing keys', (db) => {
      const rows = this.stmt(db, 'SELECT kid, name, role, created_at, created_by, revoked_at FROM api_keys ORDER BY created_at, kid').all() as KeyRow[];
      const grants = new Map<string, string[]>();
      for (const g of this.stmt(db, 'SELECT kid, account_id FROM grants ORDER BY kid, account_id').all() as { kid: string; account_id: string }[]) {
        grants.set(g.kid, [...(grants.get(g.kid) ?? []), g.account_id]);
      }
      return rows.map((row) => toRecord(row, grants.get(row.kid) ?? []));
    });
  }

  async revoke(kid: string, at: string): Promise<boolean> {
    return this.write('revoking a key', (db) => this.stmt(db, 'UPDATE api_keys SET revoked_at = ? WHERE kid = ? AND revoked_at IS NULL').run(at, kid).changes === 1);
  }

  async grant(kid: string, accountId: string, at: string, by: string): Promise<{ grantedAt: string }> {
    return this.write('granting an account', (db) =>
      db
        .transaction(() => {
          this.stmt(db, 'INSERT INTO grants (kid, account_id, granted_at, granted_by) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(kid, accountId, at, by);
          return { grantedAt: this.stmt(db, 'SELECT granted_at FROM grants WHERE kid = ? AND account_id = ?').pluck().get(kid, accountId) as string };
        })
        .immediate(),
    );
  }

  async ungrant(kid: string, accountId: string): Promise<{ grantedAt: string } | null> {
    return this.write('removing a grant', (db) => {
      const row = this.stmt(db, 'DELETE FROM grants WHERE kid = ? AND account_id = ? RETURNING granted_at').get(kid, accountId) as { granted_at: string } | undefined;
      return row ? { grantedAt: row.granted_at } : null;
    });
  }

  async countActive(role: Role): Promise<number> {
    return this.use('counting keys', (db) => this.stmt(db, 'SELECT COUNT(*) FROM api_keys WHERE role = ? AND revoked_at IS NULL').pluck().get(role) as number);
  }

  async ping(): Promise<void> {
    this.use('pinging', (db) => this.stmt(db, 'SELECT 1 FROM api_keys LIMIT 1').get());
  }

  async close(): Promise<void> {
    this.closed = true;
    this.db?.close();
    this.db = null;
  }

  private insert(db: Database.Database, key: NewApiKey): boolean {
    const insert = this.stmt(db, 'INSERT INTO api_keys (kid, name, role, secret_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
    const inserted = insert.run(key.kid, key.name, key.role, key.secretHash, key.createdAt, key.createdBy);
    if (inserted.changes !== 1) return false;
    const grant = this.stmt(db, 'INSERT INTO grants (kid, account_id, granted_at, granted_by) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
    for (const accountId of key.accountIds) grant.run(key.kid, accountId, key.createdAt, key.createdBy);
    return true;
  }

  /** Prepared once per connection: every authenticated request reads its key (a fresh read, so revocation is immediate). */
  private stmt(db: Database.Database, sql: string): Database.Statement {
    let statements = this.prepared.get(db);
    if (!statements) {
      statements = new Map();
      this.prepared.set(db, statements);
    }
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  }

  /** A change made through this connection: data_version does not move for it, so the records are dropped here. */
  private write<T>(action: string, work: (db: Database.Database) => T): T {
    try {
      return this.use(action, work);
    } finally {
      this.records.clear();
    }
  }

  private use<T>(action: string, work: (db: Database.Database) => T): T {
    if (this.closed) throw new CredentialStoreUnavailableError(`credential store ${this.file} is closed`);
    try {
      if (this.db === null) {
        this.db = SqliteCredentialStore.connect(this.file, false);
        // data_version is per connection: values of the old one say nothing about the new one.
        this.recordsVersion = null;
      }
      return work(this.db);
    } catch (error) {
      const wrapped = wrap(error, action);
      if (wrapped instanceof CredentialStoreUnavailableError) {
        try {
          this.db?.close();
        } catch {
          // the handle is dropped either way
        }
        this.db = null;
      }
      throw wrapped;
    }
  }
}

function toRecord(row: KeyRow, accountIds: string[]): ApiKeyRecord {
  return { kid: row.kid, name: row.name, role: row.role, accountIds, createdAt: row.created_at, createdBy: row.created_by, revokedAt: row.revoked_at };
}

function wrap(error: unknown, action: string): unknown {
  if (error instanceof CredentialStoreUnavailableError) return error;
  const message = typeof (error as { message?: unknown })?.message === 'string' ? (error as { message: string }).message : String(error);
  if (isUnavailableError(error) || /directory does not exist|unable to open/i.test(message)) {
    return new CredentialStoreUnavailableError(`credential store unavailable while ${action}: ${message}`, error);
  }
  return error;
}
