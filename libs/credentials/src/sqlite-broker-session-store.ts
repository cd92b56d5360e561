import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import type { BrokerSessionStore, StoredBrokerSession } from './broker-session-store.port';

/** The embedded store's file under DATA_DIR. */
export const BROKER_SESSIONS_FILE = 'broker-sessions.db';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS broker_sessions (
  broker TEXT PRIMARY KEY NOT NULL,
  sealed_token TEXT NOT NULL,
  user_id TEXT,
  logged_in_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
`;

interface Row {
  broker: string;
  sealed_token: string;
  user_id: string | null;
  logged_in_at: string;
  expires_at: string;
}

/** Broker sessions in DATA_DIR/broker-sessions.db (WAL: `robo broker login` writes while the api reads). */
export class SqliteBrokerSessionStore implements BrokerSessionStore {
  private constructor(private readonly db: Database.Database) {}

  static open(options: { file: string }): SqliteBrokerSessionStore {
    fs.mkdirSync(path.dirname(options.file), { recursive: true });
    const db = new Database(options.file, { timeout: 5000 });
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec(SCHEMA);
    } catch (error) {
      db.close();
      throw error;
    }
    // The file holds sealed tokens only; it is still nobody else's business.
    fs.chmodSync(options.file, 0o600);
    return new SqliteBrokerSessionStore(db);
  }

  async save(session: StoredBrokerSession): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO broker_sessions (broker, sealed_token, user_id, logged_in_at, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (broker) DO UPDATE SET sealed_token = excluded.sealed_token, user_id = excluded.user_id, logged_in_at = excluded.logged_in_at, expires_at = excluded.expires_at`,
      )
      .run(session.broker, session.sealedToken, session.userId, session.loggedInAt, session.expiresAt);
  }

  async load(broker: string): Promise<StoredBrokerSession | null> {
    const row = this.db.prepare('SELECT broker, sealed_token, user_id, logged_in_at, expires_at FROM broker_sessions WHERE broker = ?').get(broker) as Row | undefined;
    return row ? { broker: row.broker, sealedToken: row.sealed_token, userId: row.user_id, loggedInAt: row.logged_in_at, expiresAt: row.expires_at } : null;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
