import type { WallClock } from '@robo/clock';
import type { Db, Long, MongoClient } from 'mongodb';
import { ReadStoreUnavailableError } from '../errors';
import { isValidName } from '../support/names';
import { mapMongoError } from './mongo-errors';
import { collectionName } from './mongo-query';
import type { StoredDoc } from './mongo-writes';

export interface StoredCheckpoint {
  _id: string;
  position: Long | number | bigint;
  updatedAt?: string;
}

export interface StoredDeadLetter {
  _id: string;
  projection: string;
  position: number;
  letter: string;
}

export interface StoredLease {
  _id: string;
  owner: string;
  expiresAtMs: number;
}

const CHECKPOINTS = 'robo_checkpoints';
const DEAD_LETTERS = 'robo_dead_letters';
const LEASES = 'robo_leases';

/**
 * The client and database shared by the store's parts (documents, commits, dead letters, shadows, leases): the
 * collections known to exist, whether the server has transactions, and the mapping of driver errors.
 */
export class MongoConnection {
  readonly known = new Set<string>();
  private transactional: Promise<boolean> | null = null;
  private ferretdb: Promise<boolean> | null = null;
  private closed = false;

  constructor(
    readonly client: MongoClient,
    readonly db: Db,
    readonly clock: WallClock,
    private readonly transactions: 'auto' | 'never',
  ) {}

  docs(collection: string) {
    return this.db.collection<StoredDoc>(collectionName(collection));
  }

  deadLetters() {
    return this.db.collection<StoredDeadLetter>(DEAD_LETTERS);
  }

  checkpoints() {
    return this.db.collection<StoredCheckpoint>(CHECKPOINTS);
  }

  leases() {
    return this.db.collection<StoredLease>(LEASES);
  }

  /** Another process (the projector) may have created collections since this one started. */
  async learnCollections(names: readonly string[]): Promise<void> {
    const unknown = [...new Set(names)].filter((name) => isValidName(name) && !this.known.has(name));
    if (unknown.length === 0) return;
    const found = await this.db.listCollections({ name: { $in: unknown.map(collectionName) } }, { nameOnly: true }).toArray();
    for (const { name } of found) this.known.add(name.slice(collectionName('').length));
  }

  supportsTransactions(): Promise<boolean> {
    if (this.transactions === 'never') return Promise.resolve(false);
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

  /** FerretDB says so in buildInfo (ferretdbVersion); asked once, like supportsTransactions (mongo-commits.ts). */
  onFerretDb(): Promise<boolean> {
    this.ferretdb ??= this.db
      .admin()
      .command({ buildInfo: 1 })
      .then((info) => typeof info.ferretdbVersion === 'string')
      .catch((error: unknown) => {
        this.ferretdb = null;
        throw error;
      });
    return this.ferretdb;
  }

  async run<T>(operation: string, work: () => Promise<T>): Promise<T> {
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

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }
}
