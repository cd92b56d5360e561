import type { AnyBulkWriteOperation, ClientSession } from 'mongodb';
import type { MongoConnection } from './mongo-connection';
import { GET_MANY_CHUNK } from './mongo-documents';
import { bulkOperations, FERRETDB_STATEMENTS_PER_WRITE, idFilteredOperations, inSlices, type PreparedChange, type StoredDoc, storedKey, toBigInt } from './mongo-writes';

/**
 * The guarded writes: on MongoDB their filters carry the guard (found by _id, checked by the server); on FerretDB,
 * which scans the whole collection for any filter but `{ _id }`, the stored positions are read first, in one query
 * per collection and chunk, and every filter is `{ _id }` (idFilteredOperations; docs/production.md).
 */
export async function guardedOperations(conn: MongoConnection, changes: PreparedChange[]): Promise<Map<string, AnyBulkWriteOperation<StoredDoc>[]>> {
  if (!(await conn.onFerretDb())) return bulkOperations(changes);
  const stored = new Map<string, bigint | null>();
  const idsByCollection = new Map<string, string[]>();
  for (const change of changes) {
    const ids = idsByCollection.get(change.collection);
    if (ids) ids.push(change.id);
    else idsByCollection.set(change.collection, [change.id]);
  }
  for (const [collection, ids] of idsByCollection) {
    for (let start = 0; start < ids.length; start += GET_MANY_CHUNK) {
      const rows = await conn.docs(collection).find({ _id: { $in: ids.slice(start, start + GET_MANY_CHUNK) } }, { projection: { pos: 1 } }).toArray();
      for (const row of rows) stored.set(storedKey(collection, row._id), row.pos === undefined ? null : toBigInt(row.pos));
    }
  }
  return idFilteredOperations(changes, stored);
}

/** In order, in slices small enough for the server (see FERRETDB_STATEMENTS_PER_WRITE). */
export async function writeOperations(conn: MongoConnection, collection: string, ops: AnyBulkWriteOperation<StoredDoc>[], session: ClientSession | undefined): Promise<void> {
  const size = (await conn.onFerretDb()) ? FERRETDB_STATEMENTS_PER_WRITE : Infinity;
  for (const slice of inSlices(ops, size)) await conn.docs(collection).bulkWrite(slice, { session, ordered: true });
}

