import { type Collection, MongoClient } from 'mongodb';
import { isMongoUnavailable, mongoDatabaseFromUrl } from '@robo/read-models';
import type { BrokerSessionStore, StoredBrokerSession } from './broker-session-store.port';
import { CredentialStoreUnavailableError } from './credential-store.port';

const SESSIONS = 'robo_broker_sessions';

interface StoredDoc {
  _id: string;
  sealedToken: string;
  userId: string | null;
  loggedInAt: string;
  expiresAt: string;
}

/**
 * Broker sessions in MongoDB (CREDENTIAL_STORE=mongo), beside the API keys, for api replicas that must share the
 * day's login: one document per broker, replaced whole by a login. The token is only ever stored sealed.
 */
export class MongoBrokerSessionStore implements BrokerSessionStore {
  private readonly sessions: Collection<StoredDoc>;
  private closed = false;

  private constructor(
    private readonly client: MongoClient,
    dbName: string,
  ) {
    this.sessions = client.db(dbName).collection<StoredDoc>(SESSIONS);
  }

  static connect(options: { url: string; dbName?: string; serverSelectionTimeoutMs?: number }): MongoBrokerSessionStore {
    const inUrl = /[?&]serverSelectionTimeoutMS=/i.test(options.url);
    const selection = options.serverSelectionTimeoutMs ?? (inUrl ? undefined : 5000);
    const client = new MongoClient(options.url, { appName: 'robo-trader-broker-sessions', ...(selection === undefined ? {} : { serverSelectionTimeoutMS: selection }) });
    return new MongoBrokerSessionStore(client, options.dbName ?? mongoDatabaseFromUrl(options.url));
  }

  async save(session: StoredBrokerSession): Promise<void> {
    const { broker, sealedToken, userId, loggedInAt, expiresAt } = session;
    await this.use('saving a broker session', () => this.sessions.replaceOne({ _id: broker }, { sealedToken, userId, loggedInAt, expiresAt }, { upsert: true }));
  }

  async load(broker: string): Promise<StoredBrokerSession | null> {
    const doc = await this.use('reading a broker session', () => this.sessions.findOne({ _id: broker }));
    return doc ? { broker: doc._id, sealedToken: doc.sealedToken, userId: doc.userId ?? null, loggedInAt: doc.loggedInAt, expiresAt: doc.expiresAt } : null;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client.close();
  }

  private async use<T>(action: string, work: () => Promise<T>): Promise<T> {
    if (this.closed) throw new CredentialStoreUnavailableError('broker session store (MongoDB) is closed');
    try {
      await this.client.connect();
      return await work();
    } catch (error) {
      if (isMongoUnavailable(error)) throw new CredentialStoreUnavailableError(`broker session store (MongoDB) unavailable while ${action}: ${(error as Error).message}`, error);
      throw error;
    }
  }
}
