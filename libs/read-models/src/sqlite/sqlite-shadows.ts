import { createHash } from 'node:crypto';
import { CheckpointMovedError, UnknownCollectionError } from '../errors';
import type { PromoteShadowRequest } from '../read-model-store.port';
import { docDigest } from '../support/dead-letters';
import { assertCollectionName, assertProjection } from '../support/names';
import type { SqliteConnection } from './sqlite-connection';
import { moveDeadLetters } from './sqlite-dead-letters';
import { tableName } from './sqlite-query';

/* Verified rebuilds: digests of a collection's documents, and the swap of a shadow copy for the live one. */

export function checksum(conn: SqliteConnection, collection: string): { count: number; sha256: string } {
  assertCollectionName(collection);
  return conn.run('checksum', () => {
    const hash = createHash('sha256');
    let count = 0;
    if (conn.hasTable(collection)) {
      // One statement reads one snapshot; iterate() avoids holding the whole collection in memory.
      for (const row of conn.stmt(`SELECT id, doc FROM ${tableName(collection)} ORDER BY id`).iterate() as IterableIterator<{ id: string; doc: string }>) {
        hash.update(`${row.id}\n${row.doc}\n`);
        count += 1;
      }
    }
    return { count, sha256: hash.digest('hex') };
  });
}

export function digests(conn: SqliteConnection, collection: string, page: { after?: string | null; limit: number }): { id: string; sha256: string }[] {
  assertCollectionName(collection);
  const limit = Math.min(Math.max(1, Math.trunc(page.limit)), 1000);
  return conn.run('digests', () => {
    if (!conn.hasTable(collection)) return [];
    const rows = (
      page.after == null
        ? conn.stmt(`SELECT id, doc FROM ${tableName(collection)} ORDER BY id LIMIT ?`).all(limit)
        : conn.stmt(`SELECT id, doc FROM ${tableName(collection)} WHERE id > ? ORDER BY id LIMIT ?`).all(page.after, limit)
    ) as { id: string; doc: string }[];
    return rows.map((row) => ({ id: row.id, sha256: docDigest(row.doc) }));
  });
}

/** One transaction: table renames (indexes renamed with them), checkpoint and dead letters; readers see the old or the new copy. */
export function promoteShadow(conn: SqliteConnection, request: PromoteShadowRequest): void {
  assertProjection(request.projection);
  assertProjection(request.shadowProjection);
  for (const pair of request.collections) {
    assertCollectionName(pair.live);
    assertCollectionName(pair.shadow);
  }
  conn.run('promoteShadow', () => {
    conn.db
      .transaction(() => {
        const live = conn.readCheckpoint(request.projection);
        if (live !== request.expectedCheckpoint) throw new CheckpointMovedError(request.projection, request.expectedCheckpoint, live);
        const shadowCheckpoint = conn.readCheckpoint(request.shadowProjection);
        for (const pair of request.collections) {
          if (!conn.hasTable(pair.shadow)) throw new UnknownCollectionError(pair.shadow);
          conn.db.exec(`DROP TABLE IF EXISTS ${tableName(pair.live)}`);
          conn.db.exec(`ALTER TABLE ${tableName(pair.shadow)} RENAME TO ${tableName(pair.live)}`);
          const indexes = conn.db
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL")
            .all(tableName(pair.live)) as { name: string; sql: string }[];
          const shadowPrefix = `ix_${pair.shadow}__`;
          for (const index of indexes) {
            if (!index.name.startsWith(shadowPrefix)) continue;
            // Keep the live names so ensureCollections() finds them and a later shadow gets its own.
            const renamed = `ix_${pair.live}__${index.name.slice(shadowPrefix.length)}`;
            conn.db.exec(`DROP INDEX ${index.name}`);
            conn.db.exec(index.sql.replace(index.name, renamed));
          }
        }
        moveDeadLetters(conn, request.shadowProjection, request.projection);
        conn.writeCheckpoint(request.projection, shadowCheckpoint, conn.clock.now());
        conn.stmt('DELETE FROM checkpoints WHERE projection = ?').run(request.shadowProjection);
      })
      .immediate();
    for (const pair of request.collections) conn.forgetTable(pair.shadow);
    // Statements prepared against the dropped tables would fail; SQLite re-prepares them, but start clean.
    conn.clearStatements();
  });
}
