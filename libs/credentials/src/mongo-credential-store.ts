import { type Collection, type Db, MongoClient } from 'mongodb';
import { settleWithin } from '@robo/event-store';
import { isMongoDuplicateKey as isDuplicateKey, isMongoUnavailable, mongoDatabaseFromUrl as databaseFromUrl } from '@robo/read-models';
import { ApiKeyRecord, CredentialStore, CredentialStoreUnavailableError, NewApiKey } from './credential-store.port';
import type { Role } from './roles';

const KEYS = 'robo_api_keys';
/**
 * One document, written by the first createIfEmpty after its key: two api replicas starting at once bootstrap one
 * admin key, and a start that crashed before writing it leaves the next start free to bootstrap again.
 */
const BOOTSTRAP = 'robo_auth_bootstrap';

interface StoredGrant {
  accountId: string;
  grantedAt: string;
  grantedBy: string;
}

interface StoredKey {
  _id: string;
  name: string;
  role: Role;
  secretHash: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  /** Set on the first key until the bootstrap marker names it: a key left by a start that crashed in between. */
  bootstrapPending?: true;
  /** Embedded, so that a grant or its removal is one atomic document update. */
  grants: StoredGrant[];
}

export interface MongoCredentialStoreOptions {
  url: string;
  /** Defaults to the database named in the URL path, else `robo`. */
  dbName?: string;
  /** Default: the URL's serverSelectionTimeoutMS, else 5000. */
  serverSelectionTimeoutMs?: number;
  /** How long ping (the readiness probe) waits before answering unavailable. Default 3000. */
  pingTimeoutMs?: number;
}

/**
 * API keys in MongoDB, for api replicas that must share them: one document per key with its grants embedded. The
 * client connects on first use, so an unreachable server does not stop start-up; every call then fails with
 * CREDENTIAL_STORE_UNAVAILABLE until it answers.
 */
export class MongoCredentialStore implements CredentialStore {
  private readonly db: Db;
  private closed = false;

  private constructor(
    private readonly client: MongoClient,
    dbName: string,
    private readonly pingTimeoutMs: number,
  ) {
    this.db = client.db(dbName);
  }

  static connect(options: MongoCredentialStoreOptions): MongoCredentialStore {
    // An option given here would override the one in the URL.
    const inUrl = /[?&]serverSelectionTimeoutMS=/i.test(options.url);
    const selection = options.serverSelectionTimeoutMs ?? (inUrl ? undefined : 5000);
    const client = new MongoClient(options.url, { appName: 'robo-trader-auth', ...(selection === undefined ? {} : { serverSelectionTimeoutMS: selection }) });
    return new MongoCredentialStore(client, options.dbName ?? databaseFromUrl(options.url), options.pingTimeoutMs ?? 3000);
  }

  get databaseName(): string {
    return this.db.databaseName;
  }

  async create(key: NewApiKey): Promise<boolean> {
    return this.use('creating a key', () => this.insert(key));
  }

  /**
   * Without transactions, in an order that survives a crash at any point: the key first (marked pending), then the
   * marker naming it, then the leftovers revoked; confirmFirstKey removes the key's pending mark, which ends the
   * bootstrap. A crash before the marker leaves a pending key whose secret was never shown and no marker; a crash
   * after it, a marker naming a key still pending (its secret was never shown either: it is shown only once
   * confirmed). Either way the next start bootstraps again and revokes the leftover. Of two starts racing, the one
   * whose marker lands wins and the other removes its key.
   */
  async createIfEmpty(key: NewApiKey): Promise<boolean> {
    return this.use('creating the first key', async () => {
      const bootstrap = this.db.collection<{ _id: string; kid: string }>(BOOTSTRAP);
      const marker = await bootstrap.findOne({ _id: 'first-key' });
      if (marker !== null) {
        const named = await this.keys().findOne({ _id: marker.kid }, { projection: { bootstrapPending: 1 } });
        if (named !== null && named.bootstrapPending !== true) return false;
        // An unfinished bootstrap: take its marker away (only as it stands, so of two starts one takes it).
        if ((await bootstrap.deleteOne({ _id: 'first-key', kid: marker.kid })).deletedCount !== 1) return false;
      }
      if ((await this.keys().countDocuments({ bootstrapPending: { $exists: false } }, { limit: 1 })) > 0) return false;
      if (!(await this.insert(key, true))) return false;
      try {
        await bootstrap.insertOne({ _id: 'first-key', kid: key.kid });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        await this.keys().deleteOne({ _id: key.kid });
        return false;
      }
      await this.keys().updateMany({ _id: { $ne: key.kid }, bootstrapPending: true, revokedAt: null }, { $set: { revokedAt: key.createdAt } });
      return true;
    });
  }

  async confirmFirstKey(kid: string): Promise<boolean> {
    return this.use('confirming the first key', async () => {
      // Another start took this bootstrap over as unfinished: its marker (or none yet) stands, and this key stays
      // pending for it to revoke.
      const marker = await this.db.collection<{ _id: string; kid: string }>(BOOTSTRAP).findOne({ _id: 'first-key' });
      if (marker?.kid !== kid) return false;
      return (await this.keys().updateOne({ _id: kid, revokedAt: null, bootstrapPending: true }, { $unset: { bootstrapPending: '' } })).modifiedCount === 1;
    });
  }

  async get(kid: string): Promise<ApiKeyRecord | null> {
    return this.use('reading a key', async () => {
      const stored = await this.keys().findOne({ _id: kid });
      return stored ? toRecord(stored) : null;
    });
  }

  async secretHash(kid: string): Promise<string | null> {
    return this.use('reading a key', async () => (await this.keys().findOne({ _id: kid }, { projection: { secretHash: 1 } }))?.secretHash ?? null);
  }

  async list(): Promise<ApiKeyRecord[]> {
    return this.use('listing keys', async () => (await this.keys().find({}, { sort: { createdAt: 1, _id: 1 } }).toArray()).map(toRecord));
  }

  async revoke(kid: string, at: string): Promise<boolean> {
    return this.use('revoking a key', async () => (await this.keys().updateOne({ _id: kid, revokedAt: null }, { $set: { revokedAt: at } })).modifiedCount === 1);
  }

  async grant(kid: string, accountId: string, at: string, by: string): Promise<{ grantedAt: string }> {
    return this.use('granting an account', async () => {
      await this.keys().updateOne({ _id: kid, 'grants.accountId': { $ne: accountId } }, { $push: { grants: { accountId, grantedAt: at, grantedBy: by } } });
      const stored = await this.keys().findOne({ _id: kid }, { projection: { grants: 1 } });
      const grant = stored?.grants.find((g) => g.accountId === accountId);
      // As the SQLite store's foreign key does: a grant needs its key.
      if (!grant) throw new Error(`no API key ${kid} to grant ${accountId} to`);
      return { grantedAt: grant.grantedAt };
    });
  }

  async ungrant(kid: string, accountId: string): Promise<{ grantedAt: string } | null> {
    return this.use('removing a grant', async () => {
      const before = await this.keys().findOneAndUpdate({ _id: kid, 'grants.accountId': accountId }, { $pull: { grants: { accountId } } }, { returnDocument: 'before', projection: { grants: 1 } });
      const grant = before?.grants.find((g) => g.accountId === accountId);
      return grant ? { grantedAt: grant.grantedAt } : null;
    });
  }

  async countActive(role: Role): Promise<number> {
    return this.use('counting keys', () => this.keys().countDocuments({ role, revokedAt: null }));
  }

  /** Fails within pingTimeoutMs, connecting included (the readiness probe must not hang on a dead server). */
  async ping(): Promise<void> {
    const probe = this.use('pinging', () => this.db.command({ ping: 1 }));
    await settleWithin(probe, this.pingTimeoutMs, () => new CredentialStoreUnavailableError(`MongoDB did not answer within ${this.pingTimeoutMs} ms`));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client.close();
  }

  private keys(): Collection<StoredKey> {
    return this.db.collection<StoredKey>(KEYS);
  }

  private async insert(key: NewApiKey, bootstrapPending = false): Promise<boolean> {
    const grants = [...new Set(key.accountIds)].map((accountId) => ({ accountId, grantedAt: key.createdAt, grantedBy: key.createdBy }));
    try {
      await this.keys().insertOne({
        _id: key.kid,
        name: key.name,
        role: key.role,
        secretHash: key.secretHash,
        createdAt: key.createdAt,
        createdBy: key.createdBy,
        revokedAt: null,
        grants,
        ...(bootstrapPending ? { bootstrapPending: true as const } : {}),
      });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  private async use<T>(action: string, work: () => Promise<T>): Promise<T> {
    if (this.closed) throw new CredentialStoreUnavailableError('credential store (MongoDB) is closed');
    try {
      // As in the read store: after a failed first connection the driver keeps a closed topology unless asked again.
      await this.client.connect();
      return await work();
    } catch (error) {
      if (error instanceof CredentialStoreUnavailableError) throw error;
      if (isMongoUnavailable(error)) {
        throw new CredentialStoreUnavailableError(`credential store (MongoDB) unavailable while ${action}: ${(error as Error).message}`, error);
      }
      throw error;
    }
  }
}

function toRecord(stored: StoredKey): ApiKeyRecord {
  return {
    kid: stored._id,
    name: stored.name,
    role: stored.role,
    accountIds: stored.grants.map((g) => g.accountId).sort(),
    createdAt: stored.createdAt,
    createdBy: stored.createdBy,
    revokedAt: stored.revokedAt,
  };
}
