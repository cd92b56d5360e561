import type Database from 'better-sqlite3';
import { StoreUnavailableError } from '../errors';

/** Stored in `PRAGMA user_version`; bump it and add a step to MIGRATIONS when the layout changes. */
export const SCHEMA_VERSION = 1;

const MIGRATIONS: readonly string[] = [
  // 0 -> 1
  `
  CREATE TABLE IF NOT EXISTS events (
    global_position INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_name     TEXT    NOT NULL,
    stream_revision INTEGER NOT NULL,
    event_id        TEXT    NOT NULL UNIQUE,
    type            TEXT    NOT NULL,
    data            TEXT    NOT NULL,
    metadata        TEXT    NOT NULL,
    recorded_at     TEXT    NOT NULL
  );
  -- Also serves the expected-revision check: MAX(stream_revision) for one stream is an index seek.
  CREATE UNIQUE INDEX IF NOT EXISTS events_stream_revision ON events (stream_name, stream_revision);
  -- Lets a projection that follows a few rare event types skip the rest of the log.
  CREATE INDEX IF NOT EXISTS events_type_position ON events (type, global_position);
  `,
];

/**
 * Brings the file to SCHEMA_VERSION. Safe to run from several processes at once: the check and the DDL
 * happen under one write lock (BEGIN IMMEDIATE), so the second process sees the version the first one set.
 */
export function migrate(db: Database.Database): void {
  if (currentVersion(db) === SCHEMA_VERSION) return;
  db.transaction(() => {
    const version = currentVersion(db);
    if (version > SCHEMA_VERSION) {
      throw new StoreUnavailableError(
        `event store file has schema version ${version}, newer than this build understands (${SCHEMA_VERSION})`,
      );
    }
    for (let step = version; step < SCHEMA_VERSION; step += 1) db.exec(MIGRATIONS[step]);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

export function currentVersion(db: Database.Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}
