import { createHash } from 'node:crypto';
import { CheckpointMovedError } from '../errors';
import type { PromoteShadowRequest } from '../read-model-store.port';
import { canonicalJson } from '../support/canonical-json';
import { docDigest } from '../support/dead-letters';
import { assertCollectionName, assertProjection } from '../support/names';
import { readCheckpoint } from './mongo-commits';
import type { MongoConnection } from './mongo-connection';
import { moveDeadLetters } from './mongo-dead-letters';
import { collectionName } from './mongo-query';
import { checkpointUpdate } from './mongo-writes';

/*
 * Verified rebuilds: digests of a collection's documents, and the swap of a shadow copy for the live one. checksum()
 * hashes the same canonical JSON in the same id order as the SQLite adapter, so the two stores can be compared
 * document for document.
 */

export async function checksum(conn: MongoConnection, collection: string): Promise<{ count: number; sha256: string }> {
  assertCollectionName(collection);
  return conn.run('checksum', async () => {
    const hash = createHash('sha256');
    let count = 0;
    // _id strings sort by their UTF-8 bytes (the default "simple" collation), like SQLite's BINARY.
    for await (const row of conn.docs(collection).find({}, { sort: { _id: 1 }, projection: { doc: 1 } })) {
      if (row.doc === undefined) continue;
      hash.update(`${row._id}\n${canonicalJson(row.doc)}\n`);
      count += 1;
    }
    return { count, sha256: hash.digest('hex') };
  });
}

export async function digests(conn: MongoConnection, collection: string, page: { after?: string | null; limit: number }): Promise<{ id: string; sha256: string }[]> {
  assertCollectionName(collection);
  const limit = Math.min(Math.max(1, Math.trunc(page.limit)), 1000);
  return conn.run('digests', async () => {
    const filter = page.after == null ? {} : { _id: { $gt: page.after } };
    const rows = await conn.docs(collection).find(filter, { sort: { _id: 1 }, limit, projection: { doc: 1 } }).toArray();
    return rows.filter((row) => row.doc !== undefined).map((row) => ({ id: String(row._id), sha256: docDigest(canonicalJson(row.doc)) }));
  });
}

/**
 * renameCollection with dropTarget per collection, then the checkpoint and the dead letters. MongoDB cannot rename
 * inside a transaction, so readers may briefly see a mix of old and new collections across a multi-collection projection.
 */
export async function promoteShadow(conn: MongoConnection, request: PromoteShadowRequest): Promise<void> {
  assertProjection(request.projection);
  assertProjection(request.shadowProjection);
  await conn.run('promoteShadow', async () => {
    const livePosition = await readCheckpoint(conn, request.projection);
    if (livePosition !== request.expectedCheckpoint) throw new CheckpointMovedError(request.projection, request.expectedCheckpoint, livePosition);
    const shadowPosition = await readCheckpoint(conn, request.shadowProjection);
    for (const pair of request.collections) {
      await conn.db.renameCollection(collectionName(pair.shadow), collectionName(pair.live), { dropTarget: true });
      conn.known.delete(pair.shadow);
    }
    await moveDeadLetters(conn, request.shadowProjection, request.projection);
    await conn.checkpoints().updateOne({ _id: request.projection }, checkpointUpdate(shadowPosition, conn.clock.now()), { upsert: true });
    await conn.checkpoints().deleteOne({ _id: request.shadowProjection });
  });
}
