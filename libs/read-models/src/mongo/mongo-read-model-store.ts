import { systemWallClock, type WallClock } from '@robo/clock';
import { settleWithin } from '@robo/event-store';
import { MongoClient } from 'mongodb';
import { ReadStoreUnavailableError } from '../errors';
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
} from '../read-model-store.port';
import * as commits from './mongo-commits';
import { MongoConnection } from './mongo-connection';
import * as deadLetters from './mongo-dead-letters';
import * as documents from './mongo-documents';
import * as leases from './mongo-leases';
import * as shadows from './mongo-shadows';

export { dropIndexIfPresent } from './mongo-documents';

export interface MongoReadModelStoreOptions {
  /** mongodb://host:27017/robo?replicaSet=rs0 (the path names the database; default robo). */
  url: string;
  /** Overrides the database named in the URL. */
  dbName?: string;
  /**
   * 'auto' (default): commit documents and checkpoint in one transaction when the server supports it (replica
   * set or sharded cluster, asked with `hello`), else rely on the position guards alone. 'never' forces the latter.
   */
  transactions?: 'auto' | 'never';
  /** How long an operation waits for a usable server before failing as unavailable. Default 5000 ms. */
  serverSelectionTimeoutMs?: number;
  /** How long ping() waits. Default 3000 ms. */
  pingTimeoutMs?: number;
  /** Stamps checkpoints' updatedAt; the system's wall clock by default. */
  clock?: WallClock;
}

/**
 * Read models in MongoDB: a collection per read-model collection (`rm_<name>`) holding
 * { _id, doc, pos }, the CollectionSpec indexes (created idempotently at ensureCollections), and a checkpoints
 * collection. Commits are atomic with their checkpoint through a transaction on a replica set, and through
 * position guards on every write everywhere (mongo-commits.ts says how).
 *
 * Reads match the SQLite adapter (same contract suite). This class connects and answers the port; each part of the
 * port has its file: documents (mongo-documents.ts), commits and checkpoints (mongo-commits.ts), dead letters
 * (mongo-dead-letters.ts), shadow copies and checksums (mongo-shadows.ts), leases (mongo-leases.ts).
 */
export class MongoReadModelStore implements ReadModelStore {
  private readonly pingTimeoutMs: number;

  private constructor(
    private readonly conn: MongoConnection,
    options: MongoReadModelStoreOptions,
  ) {
    this.pingTimeoutMs = options.pingTimeoutMs ?? 3000;
  }

  /** Parses the URL (throws on a malformed one); connects on first use, so an unreachable server does not stop start-up. */
  static connect(options: MongoReadModelStoreOptions): MongoReadModelStore {
    const client = new MongoClient(options.url, {
      appName: 'robo-trader',
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 5000,
      ignoreUndefined: true,
    });
    const db = client.db(options.dbName ?? databaseFromUrl(options.url));
    return new MongoReadModelStore(new MongoConnection(client, db, options.clock ?? systemWallClock, options.transactions ?? 'auto'), options);
  }

  get databaseName(): string {
    return this.conn.db.databaseName;
  }

  ensureCollections(specs: readonly CollectionSpec[]): Promise<void> {
    return documents.ensureCollections(this.conn, specs);
  }

  get<T = Record<string, unknown>>(collection: string, id: string): Promise<T | null> {
    return documents.getDocument<T>(this.conn, collection, id);
  }

  getMany<T = Record<string, unknown>>(collection: string, ids: readonly string[]): Promise<Map<string, T>> {
    return documents.getDocuments<T>(this.conn, collection, ids);
  }

  find<T = Record<string, unknown>>(collection: string, query: FindQuery): Promise<Page<T>> {
    return documents.findDocuments<T>(this.conn, collection, query);
  }

  count(collection: string, where?: Record<string, FieldCondition>): Promise<number> {
    return documents.countDocuments(this.conn, collection, where);
  }

  commit(projection: string, changes: readonly DocChange[], checkpoint: bigint, letters?: DeadLetterChanges): Promise<void> {
    return commits.commit(this.conn, projection, changes, checkpoint, letters);
  }

  /** One commit after another: each stays atomic with its checkpoint, which is all the port promises. */
  async commitMany(batch: readonly ProjectionCommit[]): Promise<void> {
    for (const c of batch) await commits.commit(this.conn, c.projection, c.changes, c.checkpoint, c.deadLetters);
  }

  dropIndexes(collections: readonly string[]): Promise<void> {
    return documents.dropIndexes(this.conn, collections);
  }

  commitRetry(projection: string, changes: readonly DocChange[], letters: DeadLetterChanges): Promise<void> {
    return deadLetters.commitRetry(this.conn, projection, changes, letters);
  }

  listDeadLetters(query: { projection?: string; limit?: number } = {}): Promise<DeadLetter[]> {
    return deadLetters.listDeadLetters(this.conn, query);
  }

  countDeadLetters(): Promise<Record<string, number>> {
    return deadLetters.countDeadLetters(this.conn);
  }

  digests(collection: string, page: { after?: string | null; limit: number }): Promise<{ id: string; sha256: string }[]> {
    return shadows.digests(this.conn, collection, page);
  }

  promoteShadow(request: PromoteShadowRequest): Promise<void> {
    return shadows.promoteShadow(this.conn, request);
  }

  checksum(collection: string): Promise<{ count: number; sha256: string }> {
    return shadows.checksum(this.conn, collection);
  }

  getCheckpoint(projection: string): Promise<bigint> {
    return commits.getCheckpoint(this.conn, projection);
  }

  listCheckpoints(): Promise<CheckpointInfo[]> {
    return commits.listCheckpoints(this.conn);
  }

  reset(projection: string, collections: readonly string[]): Promise<void> {
    return commits.reset(this.conn, projection, collections);
  }

  acquireLease(name: string, owner: string, timing: { ttlMs: number; nowMs: number }): Promise<LeaseState> {
    return leases.acquireLease(this.conn, name, owner, timing);
  }

  releaseLease(name: string, owner: string): Promise<void> {
    return leases.releaseLease(this.conn, name, owner);
  }

  /** Fails within pingTimeoutMs, connecting included (the readiness probe must not hang on a dead server). */
  async ping(): Promise<void> {
    const probe = this.conn.run('ping', () => this.conn.db.command({ ping: 1 }));
    await settleWithin(probe, this.pingTimeoutMs, () => new ReadStoreUnavailableError(`MongoDB did not answer within ${this.pingTimeoutMs} ms`));
  }

  close(): Promise<void> {
    return this.conn.close();
  }

  /** True when commit() uses transactions (for health output and tests). */
  usesTransactions(): Promise<boolean> {
    return this.conn.run('hello', () => this.conn.supportsTransactions());
  }
}

/** The database named in the connection string's path, else robo. */
export function databaseFromUrl(url: string): string {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]*)/.exec(url);
  const name = match?.[1] ? decodeURIComponent(match[1]) : '';
  return name === '' ? 'robo' : name;
}
