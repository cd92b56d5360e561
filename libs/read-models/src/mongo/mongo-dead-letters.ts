import type { ClientSession } from 'mongodb';
import { InvalidQueryError } from '../errors';
import type { DeadLetter, DeadLetterChanges, DocChange } from '../read-model-store.port';
import { decodeDeadLetter, encodeDeadLetter, MAX_DEAD_LETTER_LIST, movedDeadLetter } from '../support/dead-letters';
import { assertProjection } from '../support/names';
import type { MongoConnection } from './mongo-connection';
import { guardedOperations, writeOperations } from './mongo-guarded-writes';
import { prepareChanges, toBigInt } from './mongo-writes';

/* Events a projection could not apply, parked in robo_dead_letters (letter: the encoded DeadLetter). */

export async function writeDeadLetters(conn: MongoConnection, projection: string, changes: DeadLetterChanges, session: ClientSession | undefined): Promise<void> {
  const remove = changes.remove ?? [];
  if (remove.length > 0) await conn.deadLetters().deleteMany({ _id: { $in: [...remove] }, projection }, { session });
  for (const letter of changes.park ?? []) {
    if (letter.projection !== projection) throw new InvalidQueryError(`dead letter ${letter.id} belongs to ${letter.projection}, not ${projection}`);
    await conn.deadLetters().replaceOne({ _id: letter.id }, { projection, position: Number(letter.position), letter: encodeDeadLetter(letter) }, { upsert: true, session });
  }
}

/** Without transactions the documents go first, then the dead-letter changes: a crash between leaves letters to retry again. */
export async function commitRetry(conn: MongoConnection, projection: string, changes: readonly DocChange[], deadLetters: DeadLetterChanges): Promise<void> {
  assertProjection(projection);
  await conn.run('commitRetry', async () => {
    await conn.learnCollections(changes.map((change) => change.collection));
    const stored = await conn.checkpoints().findOne({ _id: projection });
    const operations = await guardedOperations(conn, prepareChanges(changes, stored ? toBigInt(stored.position) : 0n, (name) => conn.known.has(name)));
    for (const [collection, ops] of operations) await writeOperations(conn, collection, ops, undefined);
    await writeDeadLetters(conn, projection, deadLetters, undefined);
  });
}

export async function listDeadLetters(conn: MongoConnection, query: { projection?: string; limit?: number }): Promise<DeadLetter[]> {
  const limit = Math.min(Math.max(1, Math.trunc(query.limit ?? MAX_DEAD_LETTER_LIST)), MAX_DEAD_LETTER_LIST);
  return conn.run('listDeadLetters', async () => {
    const filter = query.projection === undefined ? {} : { projection: query.projection };
    const rows = await conn.deadLetters().find(filter, { sort: { projection: 1, position: 1 }, limit }).toArray();
    return rows.map((row) => decodeDeadLetter(row.letter));
  });
}

export async function countDeadLetters(conn: MongoConnection): Promise<Record<string, number>> {
  return conn.run('countDeadLetters', async () => {
    const rows = await conn.deadLetters().aggregate<{ _id: string; n: number }>([{ $group: { _id: '$projection', n: { $sum: 1 } } }]).toArray();
    return Object.fromEntries(rows.map((row) => [row._id, row.n]));
  });
}

/** A shadow projection's dead letters become the live projection's (ids and blockedBy renamed); the live ones go. */
export async function moveDeadLetters(conn: MongoConnection, from: string, to: string): Promise<void> {
  await conn.deadLetters().deleteMany({ projection: to });
  const moved = await conn.deadLetters().find({ projection: from }).toArray();
  for (const row of moved) await writeDeadLetters(conn, to, { park: [movedDeadLetter(decodeDeadLetter(row.letter), from, to)] }, undefined);
  await conn.deadLetters().deleteMany({ projection: from });
}
