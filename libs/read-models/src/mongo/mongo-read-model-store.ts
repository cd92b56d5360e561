import { systemWallClock, type WallClock } from '@robo/clock';
import { createHash } from 'node:crypto';
import { settleWithin } from '@robo/event-store';
import { type AnyBulkWriteOperation, type ClientSession, type Db, type Long, MongoClient, MongoServerError } from 'mongodb';
import { CheckpointMovedError, CheckpointRegressionError, InvalidQueryError, ReadStoreUnavailableError } from '../errors';
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
import { decodeDeadLetter, docDigest, encodeDeadLetter, MAX_DEAD_LETTER_LIST } from '../support/dead-letters';
import { assertLease } from '../support/leases';
import { canonicalJson } from '../support/canonical-json';
import { encodeCursor, validateFindQuery, validateWhere } from '../support/find-query';
import { assertCollectionName, assertFieldName, isValidName } from '../support/names';
import { isDuplicateKey, mapMongoError } from './mongo-errors';
import { collectionName, cursorValue, findFilter, findSort, indexDescription, whereFilter } from './mongo-query';
import { bulkOperations, checkCheckpoint, checkpointUpdate, prepareChanges, type StoredDoc, toBigInt } from './mongo-writes';

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

interface StoredCheckpoint {
  _id: string;
  position: Long | number | bigint;
  updatedAt?: string;
}

interface StoredDeadLetter {
  _id: string;
  projection: string;
  position: number;
  letter: string;
}

const CHECKPOINTS = 'robo_checkpoints';
const DEAD_LETTERS = 'robo_dead_letters';
const LEASES = 'robo_leases';

interface StoredLease {
  _id: string;
  owner: string;
  expiresAtMs: number;
}
const GET_MANY_CHUNK = 500;
const NAMESPACE_EXISTS = 48;

/**
 * Read models in MongoDB: a collection per read-model collection (`rm_<name>`) holding
 * { _id, doc, pos }, the CollectionSpec indexes (created idempotently at ensureCollections), and a checkpoints
 * collection.
 *
 * Commit. The documents of a batch go out with one bulkWrite per collection. On a replica set the bulk writes and
 * the checkpoint commit in one transaction, so a crash leaves either all or nothing. Every write is also guarded
 * by the log position it reflects (the document's lastEventPosition, else the batch checkpoint, stored as `pos`):
 * it only replaces a document whose stored position is lower. On a standalone server, where there are no
 * transactions, that guard is what makes a replayed batch (documents written, checkpoint not yet) change nothing.
 *
 * Reads match the SQLite adapter (same contract suite), and checksum() hashes the same canonical JSON in the same
 * id order, so the two stores can be compared document for document.
 */
export class MongoReadModelStore implements ReadModelStore {
  private readonly db: Db;
  private readonly known = new Set<string>();
  private readonly pingTimeoutMs: number;
  private transactional: Promise<boolean> | null = null;
  private closed = false;

  private constructor(
    private readonly client: MongoClient,
    dbName: string,
    private readonly options: MongoReadModelStoreOptions,
  ) {
    this.db = client.db(dbName);
    this.pingTimeoutMs = options.pingTimeoutMs ?? 3000;
  }

  /** Parses the URL (throws on a malformed one); connects on first use, so an unreachable server does not stop start-up. */
  static connect(options: MongoReadModelStoreOptions): MongoReadModelStore {
    const client = new MongoClient(options.url, {
      appName: 'robo-trader',
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 5000,
      ignoreUndefined: true,
    });
    return new MongoReadModelStore(client, options.dbName ?? databaseFromUrl(options.url), options);
  }

  get databaseName(): string {
    return this.db.databaseName;
  }

  /** Creates what is missing, and drops the indexes a spec no longer declares. */
  async ensureCollections(specs: readonly CollectionSpec[]): Promise<void> {
    const planned = specs.map((spec) => {
      const name = assertCollectionName(spec.name);
      const indexes = spec.indexes.map((fields) => {
        if (fields.length === 0) throw new InvalidQueryError(`collection ${name}: an index needs at least one field`);
        return indexDescription(fields.map(assertFieldName));
      });
      return { name, indexes };
    });
    await this.run('ensureCollections', async () => {
      for (const { name, indexes } of planned) {
        try {
          await this.db.createCollection(collectionName(name));
        } catch (error) {
          if (!(error instanceof MongoServerError && error.code === NAMESPACE_EXISTS)) throw error;
        }
        const docs = this.db.collection(collectionName(name));
        // An index the spec no longer declares would still cost every write: drop it.
        const declared = new Set(indexes.map((index) => index.name));
        const present = new Set<string>();
        for (const existing of await docs.indexes()) {
          if (typeof existing.name !== 'string') continue;
          present.add(existing.name);
          if (existing.name.startsWith('ix_') && !declared.has(existing.name)) await dropIndexIfPresent(docs, existing.name);
        }
        // Only what is missing: an index's name spells its fields, so one of that name is that index. (Asking for an
        // existing compound index again is a no-op on MongoDB but closes the connection on FerretDB 1.24.)
        const missing = indexes.filter((index) => !present.has(index.name ?? ''));
        if (missing.length > 0) await docs.createIndexes(missing);
        this.known.add(name);
      }
    });
  }

  async get<T = Record<string, unknown>>(collection: string, id: string): Promise<T | null> {
    assertCollectionName(collection);
    assertId(id);
    return this.run('get', async () => {
      const row = await this.docs(collection).findOne({ _id: id }, { projection: { doc: 1 } });
      return (row?.doc as T | undefined) ?? null;
    });
  }

  async getMany<T = Record<string, unknown>>(collection: string, ids: readonly string[]): Promise<Map<string, T>> {
    assertCollectionName(collection);
    ids.forEach(assertId);
    return this.run('getMany', async () => {
      const found = new Map<string, T>();
      const unique = [...new Set(ids)];
      for (let start = 0; start < unique.length; start += GET_MANY_CHUNK) {
        const chunk = unique.slice(start, start + GET_MANY_CHUNK);
        for (const row of await this.docs(collection).find({ _id: { $in: chunk } }, { projection: { doc: 1 } }).toArray()) {
          if (row.doc !== undefined) found.set(row._id, row.doc as T);
        }
      }
      return found;
    });
  }

  async find<T = Record<string, unknown>>(collection: string, query: FindQuery): Promise<Page<T>> {
    assertCollectionName(collection);
    const validated = validateFindQuery(query);
    return this.run('find', async () => {
      const rows = await this.docs(collection)
        .find(findFilter(validated), { sort: findSort(validated), limit: validated.limit + 1, projection: { doc: 1 } })
        .toArray();
      const pageRows = rows.slice(0, validated.limit);
      const last = pageRows[pageRows.length - 1];
      return {
        items: pageRows.map((row) => row.doc as T),
        nextCursor:
          rows.length > validated.limit && last
            ? encodeCursor(validated.orderBy, { value: cursorValue(last.doc, validated.orderBy.field), id: last._id })
            : null,
      };
    });
  }

  async count(collection: string, where?: Record<string, FieldCondition>): Promise<number> {
    assertCollectionName(collection);
    const filter = whereFilter(validateWhere(where));
    return this.run('count', () => this.docs(collection).countDocuments(filter));
  }

  async commit(projection: string, changes: readonly DocChange[], checkpoint: bigint, deadLetters?: DeadLetterChanges): Promise<void> {
    assertProjection(projection);
    const target = checkCheckpoint(checkpoint);
    const updatedAt = (this.options.clock ?? systemWallClock).now();
    await this.run('commit', async () => {
      await this.learnCollections(changes.map((change) => change.collection));
      const operations = bulkOperations(prepareChanges(changes, target, (name) => this.known.has(name)));
      if (await this.supportsTransactions()) {
        await this.client.withSession((session) =>
          session.withTransaction(() => this.writeBatch(projection, target, operations, updatedAt, session, deadLetters), {
            readConcern: { level: 'snapshot' },
            writeConcern: { w: 'majority' },
            readPreference: 'primary',
          }),
        );
      } else {
        await this.writeBatch(projection, target, operations, updatedAt, undefined, deadLetters);
      }
    });
  }

  /** One commit after another: each stays atomic with its checkpoint, which is all the port promises. */
  async commitMany(commits: readonly ProjectionCommit[]): Promise<void> {
    for (const c of commits) await this.commit(c.projection, c.changes, c.checkpoint, c.deadLetters);
  }

  /** Drops the indexes made from CollectionSpecs (named ix_...); _id stays. */
  async dropIndexes(collections: readonly string[]): Promise<void> {
    collections.forEach(assertCollectionName);
    await this.run('dropIndexes', async () => {
      await this.learnCollections(collections);
      for (const name of collections) {
        if (!this.known.has(name)) continue;
        const indexes = await this.docs(name).indexes();
        for (const index of indexes) if (typeof index.name === 'string' && index.name.startsWith('ix_')) await dropIndexIfPresent(this.docs(name), index.name);
      }
    });
  }

  /** Without transactions the documents go first, then the dead-letter changes: a crash between leaves letters to retry again. */
  async commitRetry(projection: string, changes: readonly DocChange[], deadLetters: DeadLetterChanges): Promise<void> {
    assertProjection(projection);
    await this.run('commitRetry', async () => {
      await this.learnCollections(changes.map((change) => change.collection));
      const stored = await this.checkpoints().findOne({ _id: projection });
      const operations = bulkOperations(prepareChanges(changes, stored ? toBigInt(stored.position) : 0n, (name) => this.known.has(name)));
      for (const [collection, ops] of operations) await this.docs(collection).bulkWrite(ops, { ordered: true });
      await this.writeDeadLetters(projection, deadLetters, undefined);
    });
  }

  async listDeadLetters(query: { projection?: string; limit?: number } = {}): Promise<DeadLetter[]> {
    const limit = Math.min(Math.max(1, Math.trunc(query.limit ?? MAX_DEAD_LETTER_LIST)), MAX_DEAD_LETTER_LIST);
    return this.run('listDeadLetters', async () => {
      const filter = query.projection === undefined ? {} : { projection: query.projection };
      const rows = await this.deadLetters().find(filter, { sort: { projection: 1, position: 1 }, limit }).toArray();
      return rows.map((row) => decodeDeadLetter(row.letter));
    });
  }

  async countDeadLetters(): Promise<Record<string, number>> {
    return this.run('countDeadLetters', async () => {
      const rows = await this.deadLetters().aggregate<{ _id: string; n: number }>([{ $group: { _id: '$projection', n: { $sum: 1 } } }]).toArray();
      return Object.fromEntries(rows.map((row) => [row._id, row.n]));
    });
  }

  async digests(collection: string, page: { after?: string | null; limit: number }): Promise<{ id: string; sha256: string }[]> {
    assertCollectionName(collection);
    const limit = Math.min(Math.max(1, Math.trunc(page.limit)), 1000);
    return this.run('digests', async () => {
      const filter = page.after == null ? {} : { _id: { $gt: page.after } };
      const rows = await this.docs(collection).find(filter, { sort: { _id: 1 }, limit, projection: { doc: 1 } }).toArray();
      return rows.filter((row) => row.doc !== undefined).map((row) => ({ id: String(row._id), sha256: docDigest(canonicalJson(row.doc)) }));
    });
  }

  /**
   * renameCollection with dropTarget per collection, then the checkpoint and the dead letters. MongoDB cannot rename
   * inside a transaction, so readers may briefly see a mix of old and new collections across a multi-collection projection.
   */
  async promoteShadow(request: PromoteShadowRequest): Promise<void> {
    assertProjection(request.projection);
    assertProjection(request.shadowProjection);
    await this.run('promoteShadow', async () => {
      const live = await this.checkpoints().findOne({ _id: request.projection });
      const livePosition = live ? toBigInt(live.position) : 0n;
      if (livePosition !== request.expectedCheckpoint) throw new CheckpointMovedError(request.projection, request.expectedCheckpoint, livePosition);
      const shadow = await this.checkpoints().findOne({ _id: request.shadowProjection });
      const shadowPosition = shadow ? toBigInt(shadow.position) : 0n;
      for (const pair of request.collections) {
        await this.db.renameCollection(collectionName(pair.shadow), collectionName(pair.live), { dropTarget: true });
        this.known.delete(pair.shadow);
      }
      await this.deadLetters().deleteMany({ projection: request.projection });
      const moved = await this.deadLetters().find({ projection: request.shadowProjection }).toArray();
      for (const row of moved) {
        const letter = decodeDeadLetter(row.letter);
        const blockedBy = letter.blockedBy === null ? null : `${request.projection}:${letter.blockedBy.slice(request.shadowProjection.length + 1)}`;
        await this.writeDeadLetters(request.projection, { park: [{ ...letter, id: `${request.projection}:${letter.position}`, projection: request.projection, blockedBy }] }, undefined);
      }
      await this.deadLetters().deleteMany({ projection: request.shadowProjection });
      await this.checkpoints().updateOne({ _id: request.projection }, checkpointUpdate(shadowPosition, (this.options.clock ?? systemWallClock).now()), { upsert: true });
      await this.checkpoints().deleteOne({ _id: request.shadowProjection });
    });
  }

  async getCheckpoint(projection: string): Promise<bigint> {
    assertProjection(projection);
    return this.run('getCheckpoint', async () => {
      const stored = await this.checkpoints().findOne({ _id: projection });
      return stored ? toBigInt(stored.position) : 0n;
    });
  }

  async listCheckpoints(): Promise<CheckpointInfo[]> {
    return this.run('listCheckpoints', async () => {
      const rows = await this.checkpoints().find({}, { sort: { _id: 1 } }).toArray();
      return rows.map((row) => ({ projection: row._id, position: toBigInt(row.position), updatedAt: row.updatedAt ?? null }));
    });
  }

  /**
   * The checkpoint goes first: if the process dies half-way, the projection replays from 0 over the documents
   * that are left, and the position guards keep those from being applied twice.
   */
  async reset(projection: string, collections: readonly string[]): Promise<void> {
    assertProjection(projection);
    collections.forEach(assertCollectionName);
    await this.run('reset', async () => {
      await this.checkpoints().deleteOne({ _id: projection });
      await this.deadLetters().deleteMany({ projection });
      for (const collection of collections) await this.docs(collection).deleteMany({});
    });
  }

  async checksum(collection: string): Promise<{ count: number; sha256: string }> {
    assertCollectionName(collection);
    return this.run('checksum', async () => {
      const hash = createHash('sha256');
      let count = 0;
      // _id strings sort by their UTF-8 bytes (the default "simple" collation), like SQLite's BINARY.
      for await (const row of this.docs(collection).find({}, { sort: { _id: 1 }, projection: { doc: 1 } })) {
        if (row.doc === undefined) continue;
        hash.update(`${row._id}\n${canonicalJson(row.doc)}\n`);
        count += 1;
      }
      return { count, sha256: hash.digest('hex') };
    });
  }

  async acquireLease(name: string, owner: string, timing: { ttlMs: number; nowMs: number }): Promise<LeaseState> {
    assertLease(name, owner, timing);
    return this.run('acquireLease', async () => {
      const leases = this.db.collection<StoredLease>(LEASES);
      const expiresAtMs = timing.nowMs + timing.ttlMs;
      try {
        // Matches only a lease that is ours or expired; when another live owner holds it, the upsert's insert
        // collides on _id, which is the answer "held elsewhere".
        await leases.updateOne({ _id: name, $or: [{ owner }, { expiresAtMs: { $lte: timing.nowMs } }] }, { $set: { owner, expiresAtMs } }, { upsert: true });
        return { held: true, owner, expiresAtMs };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const current = await leases.findOne({ _id: name });
        return { held: false, owner: current?.owner ?? '', expiresAtMs: current?.expiresAtMs ?? 0 };
      }
    });
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    assertLease(name, owner);
    await this.run('releaseLease', () => this.db.collection<StoredLease>(LEASES).deleteOne({ _id: name, owner }));
  }

  /** Fails within pingTimeoutMs, connecting included (the readiness probe must not hang on a dead server). */
  async ping(): Promise<void> {
    const probe = this.run('ping', () => this.db.command({ ping: 1 }));
    await settleWithin(probe, this.pingTimeoutMs, () => new ReadStoreUnavailableError(`MongoDB did not answer within ${this.pingTimeoutMs} ms`));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }

  /** True when commit() uses transactions (for health output and tests). */
  async usesTransactions(): Promise<boolean> {
    return this.run('hello', () => this.supportsTransactions());
  }

  private async writeBatch(
    projection: string,
    checkpoint: bigint,
    operations: Map<string, AnyBulkWriteOperation<StoredDoc>[]>,
    updatedAt: string,
    session: ClientSession | undefined,
    deadLetters?: DeadLetterChanges,
  ): Promise<void> {
    const stored = await this.checkpoints().findOne({ _id: projection }, { session });
    const storedPosition = stored ? toBigInt(stored.position) : 0n;
    if (checkpoint < storedPosition) throw new CheckpointRegressionError(projection, storedPosition, checkpoint);
    for (const [collection, ops] of operations) {
      await this.docs(collection).bulkWrite(ops, { session, ordered: true });
    }
    if (deadLetters) await this.writeDeadLetters(projection, deadLetters, session);
    await this.checkpoints().updateOne({ _id: projection }, checkpointUpdate(checkpoint, updatedAt), { upsert: true, session });
  }

  /** Another process (the projector) may have created collections since this one started. */
  private async learnCollections(names: readonly string[]): Promise<void> {
    const unknown = [...new Set(names)].filter((name) => isValidName(name) && !this.known.has(name));
    if (unknown.length === 0) return;
    const found = await this.db.listCollections({ name: { $in: unknown.map(collectionName) } }, { nameOnly: true }).toArray();
    for (const { name } of found) this.known.add(name.slice(collectionName('').length));
  }

  private supportsTransactions(): Promise<boolean> {
    if (this.options.transactions === 'never') return Promise.resolve(false);
    this.transactional ??= this.db
      .admin()
      .command({ hello: 1 })
      .then((hello) => typeof hello.setName === 'string' || hello.msg === 'isdbgrid')
      .catch((error: unknown) => {
        // Not known yet (server unreachable): ask again next time.
        this.transactional = null;
        throw error;
      });
    return this.transactional;
  }

  private docs(collection: string) {
    return this.db.collection<StoredDoc>(collectionName(collection));
  }

  private async writeDeadLetters(projection: string, changes: DeadLetterChanges, session: ClientSession | undefined): Promise<void> {
    const remove = changes.remove ?? [];
    if (remove.length > 0) await this.deadLetters().deleteMany({ _id: { $in: [...remove] }, projection }, { session });
    for (const letter of changes.park ?? []) {
      if (letter.projection !== projection) throw new InvalidQueryError(`dead letter ${letter.id} belongs to ${letter.projection}, not ${projection}`);
      await this.deadLetters().replaceOne(
        { _id: letter.id },
        { projection, position: Number(letter.position), letter: encodeDeadLetter(letter) },
        { upsert: true, session },
      );
    }
  }

  private deadLetters() {
    return this.db.collection<StoredDeadLetter>(DEAD_LETTERS);
  }

  private checkpoints() {
    return this.db.collection<StoredCheckpoint>(CHECKPOINTS);
  }

  private async run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    if (this.closed) throw new ReadStoreUnavailableError(`read store (MongoDB) is closed (${operation})`);
    try {
      // The driver connects on first use but, when that first attempt fails, keeps its closed topology and answers
      // "Topology is closed" forever. Connecting explicitly starts over; it returns at once while connected.
      await this.client.connect();
      return await work();
    } catch (error) {
      throw mapMongoError(error, operation);
    }
  }
}

/** The database named in the connection string's path, else robo. */
export function databaseFromUrl(url: string): string {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]*)/.exec(url);
  const name = match?.[1] ? decodeURIComponent(match[1]) : '';
  return name === '' ? 'robo' : name;
}

function assertId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) throw new InvalidQueryError(`document id must be a non-empty string, got ${JSON.stringify(id)}`);
}

function assertProjection(projection: unknown): asserts projection is string {
  if (typeof projection !== 'string' || projection.length === 0) throw new InvalidQueryError('projection name must be a non-empty string');
}

const INDEX_NOT_FOUND = 27;

/** Drops an index; one already gone (another replica dropping the same undeclared index at once) is not an error. */
export async function dropIndexIfPresent(docs: { dropIndex(name: string): Promise<unknown> }, name: string): Promise<void> {
  try {
    await docs.dropIndex(name);
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === INDEX_NOT_FOUND)) throw error;
  }
}
