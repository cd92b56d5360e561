import { InvalidDocumentError } from '../errors';
import type { DeadLetter, DeadLetterChanges, DocChange } from '../read-model-store.port';
import { decodeDeadLetter, encodeDeadLetter, MAX_DEAD_LETTER_LIST, movedDeadLetter } from '../support/dead-letters';
import { assertProjection } from '../support/names';
import type { SqliteConnection } from './sqlite-connection';
import { writeDocument } from './sqlite-documents';

/* Events a projection could not apply, parked in the dead_letters table (letter: the encoded DeadLetter). */

/** Parks and removes dead letters; called inside the caller's transaction. */
export function writeDeadLetters(conn: SqliteConnection, projection: string, changes: DeadLetterChanges): void {
  for (const id of changes.remove ?? []) conn.stmt('DELETE FROM dead_letters WHERE id = ? AND projection = ?').run(id, projection);
  for (const letter of changes.park ?? []) {
    if (letter.projection !== projection) throw new InvalidDocumentError(`dead letter ${letter.id} belongs to ${letter.projection}, not ${projection}`);
    insertDeadLetter(conn, letter);
  }
}

export function insertDeadLetter(conn: SqliteConnection, letter: DeadLetter): void {
  conn.stmt('INSERT INTO dead_letters (id, projection, position, letter) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET letter = excluded.letter').run(
    letter.id,
    letter.projection,
    letter.position,
    encodeDeadLetter(letter),
  );
}

export function commitRetry(conn: SqliteConnection, projection: string, changes: readonly DocChange[], deadLetters: DeadLetterChanges): void {
  assertProjection(projection);
  conn.run('commitRetry', () => {
    conn.db
      .transaction(() => {
        for (const change of changes) writeDocument(conn, change);
        writeDeadLetters(conn, projection, deadLetters);
      })
      .immediate();
  });
}

export function listDeadLetters(conn: SqliteConnection, query: { projection?: string; limit?: number }): DeadLetter[] {
  const limit = Math.min(Math.max(1, Math.trunc(query.limit ?? MAX_DEAD_LETTER_LIST)), MAX_DEAD_LETTER_LIST);
  return conn.run('listDeadLetters', () => {
    const rows = (
      query.projection === undefined
        ? conn.stmt('SELECT letter FROM dead_letters ORDER BY projection, position LIMIT ?').all(limit)
        : conn.stmt('SELECT letter FROM dead_letters WHERE projection = ? ORDER BY position LIMIT ?').all(query.projection, limit)
    ) as { letter: string }[];
    return rows.map((row) => decodeDeadLetter(row.letter));
  });
}

export function countDeadLetters(conn: SqliteConnection): Record<string, number> {
  return conn.run('countDeadLetters', () => {
    const rows = conn.stmt('SELECT projection, COUNT(*) AS n FROM dead_letters GROUP BY projection').all() as { projection: string; n: number }[];
    return Object.fromEntries(rows.map((row) => [row.projection, row.n]));
  });
}

/** A shadow projection's dead letters become the live projection's (ids and blockedBy renamed); the live ones go. */
export function moveDeadLetters(conn: SqliteConnection, from: string, to: string): void {
  conn.stmt('DELETE FROM dead_letters WHERE projection = ?').run(to);
  const moved = conn.stmt('SELECT id, letter FROM dead_letters WHERE projection = ?').all(from) as { id: string; letter: string }[];
  conn.stmt('DELETE FROM dead_letters WHERE projection = ?').run(from);
  for (const row of moved) {
    insertDeadLetter(conn, movedDeadLetter(decodeDeadLetter(row.letter), from, to));
  }
}
