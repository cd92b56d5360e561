import { CheckpointRegressionError } from '../errors';
import type { CheckpointInfo, ProjectionCommit } from '../read-model-store.port';
import { assertCollectionName, assertProjection } from '../support/names';
import type { SqliteConnection } from './sqlite-connection';
import { writeDeadLetters } from './sqlite-dead-letters';
import { writeDocument } from './sqlite-documents';
import { tableName } from './sqlite-query';

/* Documents committed with their projection's checkpoint in one transaction; checkpoints read; resets for rebuilds. */

/** One transaction for all: one WAL append and one lock instead of one per projection. */
export function commitMany(conn: SqliteConnection, commits: readonly ProjectionCommit[]): void {
  for (const { projection, checkpoint } of commits) {
    assertProjection(projection);
    if (typeof checkpoint !== 'bigint' || checkpoint < 0n) throw new TypeError('checkpoint must be a non-negative bigint');
  }
  const updatedAt = conn.clock.now();
  conn.run('commit', () => {
    // Every change is validated inside the transaction: a bad one rolls back the ones before it too.
    conn.db
      .transaction(() => {
        for (const { projection, changes, checkpoint, deadLetters } of commits) {
          const stored = conn.readCheckpoint(projection);
          if (checkpoint < stored) throw new CheckpointRegressionError(projection, stored, checkpoint);
          for (const change of changes) writeDocument(conn, change);
          if (deadLetters) writeDeadLetters(conn, projection, deadLetters);
          conn.writeCheckpoint(projection, checkpoint, updatedAt);
        }
      })
      .immediate();
  });
}

export function getCheckpoint(conn: SqliteConnection, projection: string): bigint {
  assertProjection(projection);
  return conn.run('getCheckpoint', () => conn.readCheckpoint(projection));
}

export function listCheckpoints(conn: SqliteConnection): CheckpointInfo[] {
  return conn.run('listCheckpoints', () => {
    const rows = conn
      .stmt('SELECT projection, position, updated_at FROM checkpoints ORDER BY projection')
      .safeIntegers(true)
      .all() as { projection: string; position: bigint; updated_at: string }[];
    return rows.map((row) => ({ projection: row.projection, position: row.position, updatedAt: row.updated_at }));
  });
}

export function reset(conn: SqliteConnection, projection: string, collections: readonly string[]): void {
  assertProjection(projection);
  collections.forEach(assertCollectionName);
  conn.run('reset', () => {
    conn.db
      .transaction(() => {
        for (const collection of collections) {
          if (conn.hasTable(collection)) conn.stmt(`DELETE FROM ${tableName(collection)}`).run();
        }
        conn.stmt('DELETE FROM checkpoints WHERE projection = ?').run(projection);
        conn.stmt('DELETE FROM dead_letters WHERE projection = ?').run(projection);
      })
      .immediate();
  });
}
