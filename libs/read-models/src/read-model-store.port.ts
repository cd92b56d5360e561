export const READ_MODEL_STORE = Symbol('READ_MODEL_STORE');

export type Scalar = string | number | boolean | null;
/** Equality, membership or a range on one top-level field of a document. */
export type FieldCondition = Scalar | { in: readonly Scalar[] } | { gte?: Scalar; lte?: Scalar; gt?: Scalar; lt?: Scalar };

export interface FindQuery {
  where?: Record<string, FieldCondition>;
  /** Results are ordered by this field, then by document id, so cursors are stable. */
  orderBy: { field: string; direction: 'asc' | 'desc' };
  /** 1..1000; every list is paged. */
  limit: number;
  /** Opaque cursor returned as nextCursor by the previous page. */
  cursor?: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CollectionSpec {
  name: string;
  /** Each entry is an index over these top-level fields, in order. Queries should match one. */
  indexes: readonly (readonly string[])[];
}

export interface DocRef {
  collection: string;
  id: string;
}

/** A document write; doc null deletes it. */
export interface DocChange extends DocRef {
  doc: Record<string, unknown> | null;
}

export interface CheckpointInfo {
  projection: string;
  position: bigint;
  updatedAt: string | null;
}

export interface ReadModelStore {
  /** Creates collections and their indexes if missing; idempotent. */
  ensureCollections(specs: readonly CollectionSpec[]): Promise<void>;
  get<T = Record<string, unknown>>(collection: string, id: string): Promise<T | null>;
  getMany<T = Record<string, unknown>>(collection: string, ids: readonly string[]): Promise<Map<string, T>>;
  find<T = Record<string, unknown>>(collection: string, query: FindQuery): Promise<Page<T>>;
  /** Counts documents matching a filter (bounded use: status pages, verification). */
  count(collection: string, where?: Record<string, FieldCondition>): Promise<number>;
  /** Writes the documents and moves the projection's checkpoint, in one transaction. */
  commit(projection: string, changes: readonly DocChange[], checkpoint: bigint): Promise<void>;
  /** 0n when the projection never committed. */
  getCheckpoint(projection: string): Promise<bigint>;
  listCheckpoints(): Promise<CheckpointInfo[]>;
  /** Drops a projection's documents and checkpoint (for a rebuild). */
  reset(projection: string, collections: readonly string[]): Promise<void>;
  /** Deterministic digest of a collection's documents (ordered by id) for verification. */
  checksum(collection: string): Promise<{ count: number; sha256: string }>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
