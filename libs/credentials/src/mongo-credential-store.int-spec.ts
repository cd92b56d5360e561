import { throwawayDatabases } from '@robo/read-models/testing/mongo-databases';
import { FERRETDB_NEGATED_ARRAY_MATCH, mongoServer } from '@robo/read-models/testing/mongo-server';
import { MongoCredentialStore } from './mongo-credential-store';
import type { Db } from 'mongodb';
import { type CredentialContractOptions, crashCounter, credentialStoreContract, newKey } from './testing/credential-store.contract';
import { skippedSuite } from '@robo/runtime/testing/skip';

const url = process.env.MONGO_URL;

/*
 * The real driver against a port where nothing listens (no server involved, none faked): calls fail as
 * unavailable within the server selection timeout, and the store tries again on the next call.
 */
describe('MongoCredentialStore with an unreachable server', () => {
  it('answers every call with CREDENTIAL_STORE_UNAVAILABLE, each time trying again', async () => {
    const store = MongoCredentialStore.connect({ url: 'mongodb://127.0.0.1:1/robo_test?directConnection=true', serverSelectionTimeoutMs: 300 });
    try {
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const error = await store.get('k1').catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'CREDENTIAL_STORE_UNAVAILABLE' });
        expect((error as Error).message).not.toContain('Topology is closed');
      }
      await expect(store.create(newKey('k1'))).rejects.toMatchObject({ code: 'CREDENTIAL_STORE_UNAVAILABLE' });
      await expect(store.ping()).rejects.toMatchObject({ code: 'CREDENTIAL_STORE_UNAVAILABLE' });
    } finally {
      await store.close();
    }
  });
});

if (!url) {
  skippedSuite('MongoCredentialStore against MongoDB', 'MONGO_URL is not set (see docs/production.md, "Running the integration tests")');
} else {
  const database = throwawayDatabases(url, 'robo_auth_it');
  const WRITES = new Set(['insertOne', 'insertMany', 'updateOne', 'updateMany', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndUpdate', 'findOneAndDelete', 'findOneAndReplace', 'bulkWrite']);
  /** The real store on the real server, its database behind a proxy whose collections count their writes. */
  const crashingStore = (dbName: string, crash: () => void): MongoCredentialStore => {
    const store = MongoCredentialStore.connect({ url, dbName });
    const internals = store as unknown as { db: Db };
    const bound = <T extends object>(target: T, prop: string | symbol) => {
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    };
    internals.db = new Proxy(internals.db, {
      get(db, prop) {
        if (prop !== 'collection') return bound(db, prop);
        return (name: string) =>
          new Proxy(db.collection(name), {
            get(collection, method) {
              const real = bound(collection, method);
              if (typeof method !== 'string' || !WRITES.has(method) || typeof real !== 'function') return real;
              return (...args: unknown[]) => {
                crash();
                return (real as (...a: unknown[]) => unknown)(...args);
              };
            },
          });
      },
    });
    return store;
  };
  // On FerretDB the cases it cannot run are skipped with their reason printed (docs/production.md, "FerretDB is not MongoDB").
  const options: CredentialContractOptions = mongoServer(url).ferretdb === null ? {} : { unsupported: { grantOnce: FERRETDB_NEGATED_ARRAY_MATCH } };
  credentialStoreContract(
    'mongo',
    () => MongoCredentialStore.connect({ url, dbName: database() }),
    () => {
      const dbName = database();
      return { crashingAt: (at) => crashingStore(dbName, crashCounter(at)), reopen: () => MongoCredentialStore.connect({ url, dbName }), dispose: async () => undefined };
    },
    options,
  );
}
