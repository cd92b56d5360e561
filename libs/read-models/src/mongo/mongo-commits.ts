import type { AnyBulkWriteOperation, ClientSession } from 'mongodb';
import { CheckpointRegressionError } from '../errors';
import type { CheckpointInfo, DeadLetterChanges, DocChange } from '../read-model-store.port';
import { assertCollectionName, assertProjection } from '../support/names';
import type { MongoConnection } from './mongo-connection';
import { writeDeadLetters } from './mongo-dead-letters';
import { guardedOperations, writeOperations } from './mongo-guarded-writes';
import { checkCheckpoint, checkpointUpdate, prepareChanges, type StoredDoc, toBigInt } from './mongo-writes';

/*
 * Documents committed with their projection's checkpoint. The documents of a batch go out with one bulkWrite per
 * collection (several on FerretDB, see FERRETDB_STATEMENTS_PER_WRITE). On a replica set the bulk writes and the checkpoint commit in one transaction, so a crash leaves either
 * all or nothing. Every write is also guarded by the log position it reflects (the document's lastEventPosition,
 * else the batch checkpoint, stored as `pos`): it only replaces a document whose stored position is lower. On a
 * standalone server, where there are no transactions, that guard is what makes a replayed batch (documents written,
 * checkpoint not yet) change nothing.
 */

export async function commit(conn: MongoConnection, projection: string, changes: readonly DocChange[], checkpoint: bigint, deadLetters?: DeadLetterChanges): Promise<void> {
  assertProjection(projection);
  const target = checkCheckpoint(checkpoint);
  const updatedAt = conn.clock.now();
  await conn.run('commit', async () => {
    await conn.learnCollections(changes.map((change) => change.collection));
    const operations = await guardedOperations(conn, prepareChanges(changes, target, (name) => conn.known.has(name)));
    if (await conn.supportsTransactions()) {
      await conn.client.withSession((session) =>
        session.withTransaction(() => writeBatch(conn, projection, target, operations, updatedAt, session, deadLetters), {
          readConcern: { level: 'snapshot' },
          writeConcern: { w: 'majority' },
          readPreference: 'primary',
        }),
      );
    } else {
      await writeBatch(conn, projection, target, operations, updatedAt, undefined, deadLetters);
    }
  });
}

async function writeBatch(
  conn: MongoConnection,
  projection: string,
  checkpoint: bigint,
  operations: Map<string, AnyBulkWriteOperation<StoredDoc>[]>,
  updatedAt: string,
  session: ClientSession | undefined,
  deadLetters?: DeadLetterChanges,
): Promise<void> {
  const stored = await conn.checkpoints().findOne({ _id: projection }, { session });
  const storedPosition = stored ? toBigInt(stored.position) : 0n;
  if (checkpoint < storedPosition) throw new CheckpointRegressionError(projection, storedPosition, checkpoint);
  for (const [collection, ops] of operations) await writeOperations(conn, collection, ops, session);
  if (deadLetters) await writeDeadLetters(conn, projection, deadLetters, session);
  await conn.checkpoints().updateOne({ _id: projection }, checkpointUpdate(checkpoint, updatedAt), { upsert: true, session });
}

export async function readCheckpoint(conn: MongoConnection, projection: string): Promise<bigint> {
  const stored = await conn.checkpoints().findOne({ _id: projection });
  return stored ? toBigInt(stored.position) : 0n;
}

export async function getCheckpoint(conn: MongoConnection, projection: string): Promise<bigint> {
  assertProjection(projection);
  return conn.run('getCheckpoint', () => readCheckpoint(conn, projection));
}

export async function listCheckpoints(conn: MongoConnection): Promise<CheckpointInfo[]> {
  return conn.run('listCheckpoints', async () => {
    const rows = await conn.checkpoints().find({}, { sort: { _id: 1 } }).toArray();
    return rows.map((row) => ({ projection: row._id, position: toBigInt(row.position), updatedAt: row.updatedAt ?? null }));
  });
}

/**
 * The checkpoint goes first: if the process dies half-way, the projection replays from 0 over the documents
 * that are left, and the position guards keep those from being applied twice.
 */
export async function reset(conn: MongoConnection, projection: string, collections: readonly string[]): Promise<void> {
  assertProjection(projection);
  collections.forEach(assertCollectionName);
  await conn.run('reset', async () => {
    await conn.checkpoints().deleteOne({ _id: projection });
    await conn.deadLetters().deleteMany({ projection });
    for (const collection of collections) await conn.docs(collection).deleteMany({});
  });
}
