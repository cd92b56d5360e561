import { InvalidQueryError } from './errors';
import type {
  CheckpointInfo,
  CollectionSpec,
  DeadLetter,
  DeadLetterChanges,
  DocChange,
  FieldCondition,
  FindQuery,
  LeaseState,
  Page,
  ProjectionCommit,
  PromoteShadowRequest,
  ReadModelStore,
} from './read-model-store.port';
import { MAX_DEAD_LETTER_LIST } from './support/dead-letters';

/** A store holding some projections whole: their collections, checkpoints and dead letters (shadow copies included). */
export interface ReadStorePartition {
  name: string;
  store: ReadModelStore;
  projections: readonly string[];
  collections: readonly string[];
}

/** Shadow copies (`<name>__shadow`) live where their live projection and collections do. */
const SHADOW_SUFFIX = '__shadow';

function baseName(name: string): string {
  return name.endsWith(SHADOW_SUFFIX) ? name.slice(0, -SHADOW_SUFFIX.length) : name;
}

/**
 * Read models spread over several stores, each projection kept whole in one of them, so that each commit (documents
 * and checkpoint) stays one transaction in one store. With SQLite, a partition is its own file: its writer does not
 * queue behind the others', and a rebuild can load it from another thread at the same time (see docs/projections.md).
 * Leases live in the main store. Lists over every projection (checkpoints, dead letters) are merged.
 */
export class PartitionedReadModelStore implements ReadModelStore {
  private readonly byProjection = new Map<string, ReadStorePartition>();
  private readonly byCollection = new Map<string, ReadStorePartition>();

  constructor(
    private readonly main: ReadModelStore,
    private readonly partitions: readonly ReadStorePartition[],
  ) {
    for (const partition of partitions) {
      for (const projection of partition.projections) this.claim(this.byProjection, projection, partition, 'projection');
      for (const collection of partition.collections) this.claim(this.byCollection, collection, partition, 'collection');
    }
  }

  /** The store a projection's commits, checkpoint and dead letters go to. */
  storeOfProjection(projection: string): ReadModelStore {
    return this.byProjection.get(baseName(projection))?.store ?? this.main;
  }

  /** The store a collection is read from; one no partition names is in the main store. */
  storeOfCollection(collection: string): ReadModelStore {
    return this.byCollection.get(baseName(collection))?.store ?? this.main;
  }

  /** The name of the partition holding a projection, or null for the main store. */
  partitionOf(projection: string): string | null {
    return this.byProjection.get(baseName(projection))?.name ?? null;
  }

  async ensureCollections(specs: readonly CollectionSpec[]): Promise<void> {
    for (const [store, group] of this.group(specs, (spec) => this.storeOfCollection(spec.name))) await store.ensureCollections(group);
  }

  get<T = Record<string, unknown>>(collection: string, id: string): Promise<T | null> {
    return this.storeOfCollection(collection).get<T>(collection, id);
  }

  getMany<T = Record<string, unknown>>(collection: string, ids: readonly string[]): Promise<Map<string, T>> {
    return this.storeOfCollection(collection).getMany<T>(collection, ids);
  }

  find<T = Record<string, unknown>>(collection: string, query: FindQuery): Promise<Page<T>> {
    return this.storeOfCollection(collection).find<T>(collection, query);
  }

  count(collection: string, where?: Record<string, FieldCondition>): Promise<number> {
    return this.storeOfCollection(collection).count(collection, where);
  }

  commit(projection: string, changes: readonly DocChange[], checkpoint: bigint, deadLetters?: DeadLetterChanges): Promise<void> {
    return this.commitMany([{ projection, changes, checkpoint, deadLetters }]);
  }

  /**
   * One commitMany per store. Each projection's part stays atomic; parts in different stores are not atomic
   * together, which needs nothing: every part carries its own checkpoint, and committing one again writes the same.
   */
  async commitMany(commits: readonly ProjectionCommit[]): Promise<void> {
    for (const commit of commits) this.assertOneStore(commit.projection, commit.changes);
    for (const [store, group] of this.group(commits, (commit) => this.storeOfProjection(commit.projection))) await store.commitMany(group);
  }

  async dropIndexes(collections: readonly string[]): Promise<void> {
    for (const [store, group] of this.group(collections, (collection) => this.storeOfCollection(collection))) await store.dropIndexes(group);
  }

  async commitRetry(projection: string, changes: readonly DocChange[], deadLetters: DeadLetterChanges): Promise<void> {
    this.assertOneStore(projection, changes);
    return this.storeOfProjection(projection).commitRetry(projection, changes, deadLetters);
  }

  async listDeadLetters(query: { projection?: string; limit?: number } = {}): Promise<DeadLetter[]> {
    if (query.projection !== undefined) return this.storeOfProjection(query.projection).listDeadLetters(query);
    const limit = Math.min(Math.max(1, Math.trunc(query.limit ?? MAX_DEAD_LETTER_LIST)), MAX_DEAD_LETTER_LIST);
    const lists = await Promise.all(this.stores().map((store) => store.listDeadLetters({ limit })));
    // Each store lists by projection, then position: merged in that order too.
    return lists
      .flat()
      .sort((a, b) => (a.projection < b.projection ? -1 : a.projection > b.projection ? 1 : a.position < b.position ? -1 : a.position > b.position ? 1 : 0))
      .slice(0, limit);
  }

  async countDeadLetters(): Promise<Record<string, number>> {
    const counts = await Promise.all(this.stores().map((store) => store.countDeadLetters()));
    const merged: Record<string, number> = {};
    for (const count of counts) for (const [projection, n] of Object.entries(count)) merged[projection] = (merged[projection] ?? 0) + n;
    return merged;
  }

  digests(collection: string, page: { after?: string | null; limit: number }): Promise<{ id: string; sha256: string }[]> {
    return this.storeOfCollection(collection).digests(collection, page);
  }

  promoteShadow(request: PromoteShadowRequest): Promise<void> {
    const store = this.storeOfProjection(request.projection);
    const names = [request.shadowProjection, ...request.collections.flatMap((pair) => [pair.live, pair.shadow])];
    const elsewhere = names.filter((name, i) => (i === 0 ? this.storeOfProjection(name) : this.storeOfCollection(name)) !== store);
    if (elsewhere.length > 0) return Promise.reject(new InvalidQueryError(`promoteShadow ${request.projection}: ${elsewhere.join(', ')} are kept in another store`));
    return store.promoteShadow(request);
  }

  getCheckpoint(projection: string): Promise<bigint> {
    return this.storeOfProjection(projection).getCheckpoint(projection);
  }

  async listCheckpoints(): Promise<CheckpointInfo[]> {
    const lists = await Promise.all(this.stores().map((store) => store.listCheckpoints()));
    return lists.flat().sort((a, b) => (a.projection < b.projection ? -1 : a.projection > b.projection ? 1 : 0));
  }

  reset(projection: string, collections: readonly string[]): Promise<void> {
    const store = this.storeOfProjection(projection);
    const elsewhere = collections.filter((collection) => this.storeOfCollection(collection) !== store);
    if (elsewhere.length > 0) return Promise.reject(new InvalidQueryError(`reset ${projection}: ${elsewhere.join(', ')} are kept in another store than the projection`));
    return store.reset(projection, collections);
  }

  checksum(collection: string): Promise<{ count: number; sha256: string }> {
    return this.storeOfCollection(collection).checksum(collection);
  }

  acquireLease(name: string, owner: string, timing: { ttlMs: number; nowMs: number }): Promise<LeaseState> {
    return this.main.acquireLease(name, owner, timing);
  }

  releaseLease(name: string, owner: string): Promise<void> {
    return this.main.releaseLease(name, owner);
  }

  async ping(): Promise<void> {
    for (const store of this.stores()) await store.ping();
  }

  async close(): Promise<void> {
    const results = await Promise.allSettled(this.stores().map((store) => store.close()));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private stores(): ReadModelStore[] {
    return [this.main, ...this.partitions.map((partition) => partition.store)];
  }

  /** Every collection a commit writes must be kept where its projection is: one commit, one store, one transaction. */
  private assertOneStore(projection: string, changes: readonly DocChange[]): void {
    const store = this.storeOfProjection(projection);
    for (const change of changes) {
      if (this.storeOfCollection(change.collection) === store) continue;
      const where = (name: string | null) => (name === null ? 'the main store' : `partition ${name}`);
      throw new InvalidQueryError(
        `projection ${projection} (${where(this.partitionOf(projection))}) cannot write ${change.collection}, which is kept in ${where(this.byCollection.get(baseName(change.collection))?.name ?? null)}`,
      );
    }
  }

  private group<T>(items: readonly T[], storeOf: (item: T) => ReadModelStore): Map<ReadModelStore, T[]> {
    const groups = new Map<ReadModelStore, T[]>();
    for (const item of items) {
      const store = storeOf(item);
      const list = groups.get(store) ?? [];
      list.push(item);
      groups.set(store, list);
    }
    return groups;
  }

  private claim(map: Map<string, ReadStorePartition>, name: string, partition: ReadStorePartition, kind: string): void {
    const taken = map.get(name);
    if (taken) throw new TypeError(`${kind} ${name} is claimed by partitions ${taken.name} and ${partition.name}`);
    map.set(name, partition);
  }
}
