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
  /** The document's canonical JSON when the writer already made it (it must equal canonicalJson(doc)); saves encoding it twice. */
  json?: string;
}

export interface CheckpointInfo {
  projection: string;
  position: bigint;
  updatedAt: string | null;
}

/**
 * An event a projection could not apply (its apply() or keys() threw), or one that waits behind such an event
 * because it touches the same documents (blockedBy names the first). Ids are `<projection>:<position>`.
 */
export interface DeadLetter {
  id: string;
  projection: string;
  position: bigint;
  eventId: string;
  eventType: string;
  stream: string;
  streamRevision: bigint;
  /** The documents the event touches, as `collection/id` (logical collection names). */
  docKeys: string[];
  /** The error apply() threw; null for an event parked only because it is blocked. */
  error: string | null;
  blockedBy: string | null;
  parkedAt: string;
  attempts: number;
}

/** Dead letters written with a commit: park upserts by id, remove deletes by id. */
export interface DeadLetterChanges {
  park?: readonly DeadLetter[];
  remove?: readonly string[];
}

/** Atomically replaces each live collection with its shadow copy and moves the shadow's checkpoint and dead letters to the live projection. */
export interface PromoteShadowRequest {
  projection: string;
  shadowProjection: string;
  collections: readonly { live: string; shadow: string }[];
  /** The live checkpoint the comparison was made at: the swap is refused (CheckpointMovedError) if it moved since. */
  expectedCheckpoint: bigint;
}

/** One projection's part of a commitMany: its documents, its new checkpoint and its dead-letter changes. */
export interface ProjectionCommit {
  projection: string;
  changes: readonly DocChange[];
  checkpoint: bigint;
  deadLetters?: DeadLetterChanges;
}

/** A named lease: who holds it and until when (epoch ms, by the clock of whoever took it). */
export interface LeaseState {
  /** True when the caller holds it now (taken or renewed by this call). */
  held: boolean;
  owner: string;
  expiresAtMs: number;
}

/** Queries: what the api, the query functions and the projections' document loads read. */
export interface DocumentReader {
  get<T = Record<string, unknown>>(collection: string, id: string): Promise<T | null>;
  getMany<T = Record<string, unknown>>(collection: string, ids: readonly string[]): Promise<Map<string, T>>;
  find<T = Record<string, unknown>>(collection: string, query: FindQuery): Promise<Page<T>>;
  /** Counts documents matching a filter (bounded use: status pages, verification). */
  count(collection: string, where?: Record<string, FieldCondition>): Promise<number>;
}

/** How far each projection got: for reading one's own writes, the live feed and status pages. */
export interface CheckpointReader {
  /** 0n when the projection never committed. */
  getCheckpoint(projection: string): Promise<bigint>;
  listCheckpoints(): Promise<CheckpointInfo[]>;
}

/** The runner's writes: collections, documents committed with their projection's checkpoint, resets for rebuilds. */
export interface ProjectionCommitStore extends CheckpointReader {
  /** Creates collections and their indexes if missing; idempotent. */
  ensureCollections(specs: readonly CollectionSpec[]): Promise<void>;
  /** Writes the documents and moves the projection's checkpoint (and parks or removes dead letters), in one transaction. */
  commit(projection: string, changes: readonly DocChange[], checkpoint: bigint, deadLetters?: DeadLetterChanges): Promise<void>;
  /**
   * Several projections' commits; each is atomic with its checkpoint as in commit(). A store may write them in one
   * transaction (then one failing fails all, and the caller retries them one by one to isolate it).
   */
  commitMany(commits: readonly ProjectionCommit[]): Promise<void>;
  /**
   * Drops the secondary indexes of these collections (documents stay), so a bulk load does not maintain them per write;
   * ensureCollections() creates them again.
   */
  dropIndexes(collections: readonly string[]): Promise<void>;
  /** Drops a projection's documents, checkpoint and dead letters (for a rebuild). */
  reset(projection: string, collections: readonly string[]): Promise<void>;
}

/** Events a projection could not apply, parked per document (written with commits: see ProjectionCommitStore.commit). */
export interface DeadLetterStore {
  /** Writes documents and dead-letter changes without moving the checkpoint (retrying parked events). */
  commitRetry(projection: string, changes: readonly DocChange[], deadLetters: DeadLetterChanges): Promise<void>;
  /** Dead letters in position order, of one projection or all. */
  listDeadLetters(query?: { projection?: string; limit?: number }): Promise<DeadLetter[]>;
  /** Parked events per projection (projections with none are absent). */
  countDeadLetters(): Promise<Record<string, number>>;
}

/** Verified rebuilds: digests of collections, and the swap of a shadow copy for the live one. */
export interface ShadowStore {
  /** Deterministic digest of a collection's documents (ordered by id) for verification. */
  checksum(collection: string): Promise<{ count: number; sha256: string }>;
  /** One page of (id, sha256 of the canonical document), ordered by id as checksum() hashes them: for listing differences. */
  digests(collection: string, page: { after?: string | null; limit: number }): Promise<{ id: string; sha256: string }[]>;
  promoteShadow(request: PromoteShadowRequest): Promise<void>;
}

/** Named leases shared by the processes of one store: one active projector among several. */
export interface ProjectionLease {
  /**
   * Takes or renews the lease `name` for `owner` until nowMs + ttlMs when it is free, expired (expiresAtMs <= nowMs)
   * or already the owner's; otherwise answers who holds it. Atomic across processes sharing the store.
   */
  acquireLease(name: string, owner: string, timing: { ttlMs: number; nowMs: number }): Promise<LeaseState>;
  /** Gives the lease up if `owner` holds it (a standby can take it at once); otherwise does nothing. */
  releaseLease(name: string, owner: string): Promise<void>;
}

/** The connection under the ports: for health checks and shutdown. */
export interface StoreConnection {
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** What the projection runner needs of its store: documents to load, commits, dead letters, shadows and its lease. */
export interface RunnerStore extends DocumentReader, ProjectionCommitStore, DeadLetterStore, ShadowStore, ProjectionLease {}

/** A whole read-model store, as the adapters (SQLite, MongoDB, partitioned) implement it and the composition root opens it. */
export interface ReadModelStore extends RunnerStore, StoreConnection {}
