import { type AnyBulkWriteOperation, type Document, Long } from 'mongodb';
import { InvalidDocumentError, InvalidQueryError, UnknownCollectionError } from '../errors';
import type { DocChange } from '../read-model-store.port';
import { canonicalJson } from '../support/canonical-json';
import { assertCollectionName } from '../support/names';

/** How a read-model document is stored: under `doc`, so its own fields never collide with _id or `pos`. */
export interface StoredDoc {
  _id: string;
  doc?: Record<string, unknown>;
  /** The log position of the last write (see guardOf). */
  pos?: Long;
}

/** A change checked, normalised and given the log position that guards it. */
export interface PreparedChange {
  collection: string;
  id: string;
  /** The document as canonical JSON would store it (keys sorted, undefined dropped); null deletes. */
  doc: Record<string, unknown> | null;
  /** Position of the last event reflected in this write (see guardOf). */
  guard: bigint;
}

/**
 * The position a write stands for: the document's own lastEventPosition (every projection stamps it) when it has
 * one, else the batch's checkpoint. A delete stands for the checkpoint.
 */
export function guardOf(doc: Record<string, unknown> | null, checkpoint: bigint): bigint {
  const position = doc?.lastEventPosition;
  return typeof position === 'number' && Number.isSafeInteger(position) && position >= 0 ? BigInt(position) : checkpoint;
}

/**
 * Validates every change before anything is written (a bad one means nothing of the commit is applied, as in the
 * SQLite transaction) and keeps only the last change per document: later changes in a batch supersede earlier ones.
 */
export function prepareChanges(changes: readonly DocChange[], checkpoint: bigint, isKnownCollection: (name: string) => boolean): PreparedChange[] {
  const byKey = new Map<string, PreparedChange>();
  for (const change of changes) {
    const collection = assertCollectionName(change.collection);
    if (typeof change.id !== 'string' || change.id.length === 0) {
      throw new InvalidQueryError(`document id must be a non-empty string, got ${JSON.stringify(change.id)}`);
    }
    if (!isKnownCollection(collection)) throw new UnknownCollectionError(collection);
    let doc: Record<string, unknown> | null = null;
    if (change.doc !== null) {
      if (typeof change.doc !== 'object' || Array.isArray(change.doc)) {
        throw new InvalidDocumentError(`${collection}/${change.id}: a document must be an object`);
      }
      // The same check and the same normal form as the SQLite adapter, so checksums compare across stores.
      doc = JSON.parse(change.json ?? canonicalJson(change.doc)) as Record<string, unknown>;
    }
    const key = `${collection}\u0000${change.id}`;
    byKey.delete(key);
    byKey.set(key, { collection, id: change.id, doc, guard: guardOf(doc, checkpoint) });
  }
  return [...byKey.values()];
}

/**
 * Guarded writes, one bulkWrite per collection, in plain update operators (no update pipeline, which FerretDB lacks;
 * see docs/production.md). A document is written by two operations, in this order:
 * - insert it when there is none ($setOnInsert: a document already there, older or newer, is untouched);
 * - then replace the stored document when its position is lower than the write's (or it has none).
 * After both, the stored position is at least the write's, whatever another writer did in between (each operation
 * only moves it forward), as with one atomic conditional replace. Neither raises a duplicate-key error for a stale
 * write (which would abort a transaction): a replayed or stale write is a silent no-op. A delete only removes a
 * document older than it.
 */
export function bulkOperations(changes: readonly PreparedChange[]): Map<string, AnyBulkWriteOperation<StoredDoc>[]> {
  const byCollection = new Map<string, AnyBulkWriteOperation<StoredDoc>[]>();
  for (const change of changes) {
    const ops = byCollection.get(change.collection) ?? [];
    const guard = Long.fromBigInt(change.guard);
    const older = { _id: change.id, $or: [{ pos: { $lt: guard } }, { pos: { $exists: false } }] };
    if (change.doc === null) {
      ops.push({ deleteOne: { filter: older } });
    } else {
      // Operator values are literal: a string such as "$100" is stored as it is, never read as a field path.
      ops.push({ updateOne: { filter: { _id: change.id }, update: { $setOnInsert: { doc: change.doc, pos: guard } }, upsert: true } });
      ops.push({ updateOne: { filter: older, update: { $set: { doc: change.doc, pos: guard } } } });
    }
    byCollection.set(change.collection, ops);
  }
  return byCollection;
}

/**
 * The same writes for a server that finds a document by index only when the filter is `{ _id }` alone (FerretDB 1.24
 * on SQLite scans the whole collection for any other filter: a batch of n changes over a collection of m documents
 * costs n*m document reads). The guard is checked against the stored positions read just before (`stored`: id ->
 * position, absent when there is no document), so every filter is `{ _id }`: a document at or past the write's
 * position is left alone, as by the guarded filter. Between that read and the write another writer may land (FerretDB
 * has no atomic read-and-write in any case, see docs/production.md); one projector holds the lease.
 */
export function idFilteredOperations(changes: readonly PreparedChange[], stored: ReadonlyMap<string, bigint | null>): Map<string, AnyBulkWriteOperation<StoredDoc>[]> {
  const byCollection = new Map<string, AnyBulkWriteOperation<StoredDoc>[]>();
  for (const change of changes) {
    const ops = byCollection.get(change.collection) ?? [];
    const key = storedKey(change.collection, change.id);
    const present = stored.has(key);
    const position = stored.get(key) ?? null;
    const older = present && (position === null || position < change.guard);
    const guard = Long.fromBigInt(change.guard);
    if (change.doc === null) {
      if (older) ops.push({ deleteOne: { filter: { _id: change.id } } });
    } else if (!present) {
      ops.push({ updateOne: { filter: { _id: change.id }, update: { $setOnInsert: { doc: change.doc, pos: guard } }, upsert: true } });
    } else if (older) {
      ops.push({ updateOne: { filter: { _id: change.id }, update: { $set: { doc: change.doc, pos: guard } } } });
    }
    byCollection.set(change.collection, ops);
  }
  return byCollection;
}

/** The key of `stored` in idFilteredOperations. */
export function storedKey(collection: string, id: string): string {
  return `${collection}\u0000${id}`;
}

/**
 * FerretDB 1.24 keeps each matched statement of an `update` command holding one of its 100 SQLite connections until
 * the whole command ends (a `defer` inside its per-statement loop), so a command of about 100 matching statements
 * waits forever for a connection it holds itself (docs/production.md). On FerretDB the operations go out in bulk
 * writes of at most this many; MongoDB gets the whole list at once (the driver splits at its own limit).
 */
export const FERRETDB_STATEMENTS_PER_WRITE = 32;

/** `ops` in order, in slices of at most `size` (one slice when size is Infinity). */
export function inSlices<T>(ops: readonly T[], size: number): T[][] {
  if (!(size >= 1)) throw new RangeError('slice size must be at least 1');
  if (ops.length <= size) return ops.length === 0 ? [] : [[...ops]];
  const slices: T[][] = [];
  for (let start = 0; start < ops.length; start += size) slices.push(ops.slice(start, start + size));
  return slices;
}

/** The checkpoint never moves back, even if two writers race ($max), and records when it last moved. */
export function checkpointUpdate(checkpoint: bigint, updatedAt: string): Document {
  return { $max: { position: Long.fromBigInt(checkpoint) }, $set: { updatedAt } };
}

/** int64 values come back as numbers when small and as Long otherwise; bigint when the client asks for it. */
export function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (Long.isLong(value)) return value.toBigInt();
  throw new TypeError(`not an integer position: ${String(value)}`);
}

/** Positions are stored as int64. */
export function checkCheckpoint(checkpoint: unknown): bigint {
  if (typeof checkpoint !== 'bigint' || checkpoint < 0n || checkpoint >= 2n ** 63n) {
    throw new TypeError('checkpoint must be a bigint from 0 to 2^63-1');
  }
  return checkpoint;
}
