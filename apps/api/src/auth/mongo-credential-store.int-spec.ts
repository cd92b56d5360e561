import { MongoClient } from 'mongodb';
import { throwawayDatabases } from '@robo/read-models/testing/mongo-databases';
import { FERRETDB_NEGATED_ARRAY_MATCH, mongoServer } from '@robo/read-models/testing/mongo-server';
import { MongoCredentialStore } from './mongo-credential-store';
import { type CredentialContractOptions, credentialStoreContract, newKey } from './testing/credential-store.contract';

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
  // Written straight to stderr: Jest does not show console output of a suite whose tests are all skipped.
  process.stderr.write('MongoDB credential store: contract tests skipped because MONGO_URL is not set (see docs/production.md, "Running the integration tests").\n');
  describe.skip('MongoCredentialStore against MongoDB (MONGO_URL not set)', () => {
    it('needs a server', () => undefined);
  });
} else {
  const database = throwawayDatabases(url, 'robo_auth_it');
  // On FerretDB the cases it cannot run are skipped with their reason printed (docs/production.md, "FerretDB is not MongoDB").
  const options: CredentialContractOptions = mongoServer(url).ferretdb === null ? {} : { unsupported: { grantOnce: FERRETDB_NEGATED_ARRAY_MATCH } };
  credentialStoreContract('mongo', () => MongoCredentialStore.connect({ url, dbName: database() }), options);

  describe('MongoCredentialStore first start on the server', () => {
    it('bootstraps again after a start that died between the key and the marker, and revokes the key left behind', async () => {
      const dbName = database();
      // What a first start leaves when it dies after its first write: a key marked pending, no bootstrap marker.
      const raw = new MongoClient(url);
      try {
        await raw.db(dbName).collection('robo_api_keys').insertOne({
          _id: 'lost1' as never,
          name: 'key lost1',
          role: 'admin',
          secretHash: 'hash-of-lost1',
          createdAt: '2026-11-20T04:00:00.000Z',
          createdBy: 'system:bootstrap',
          revokedAt: null,
          grants: [],
          bootstrapPending: true,
        });
        const store = MongoCredentialStore.connect({ url, dbName });
        try {
          expect(await store.createIfEmpty(newKey('a1', { role: 'admin', createdAt: '2026-11-20T04:30:00.000Z' }))).toBe(true);
          expect(await store.createIfEmpty(newKey('a2', { role: 'admin' }))).toBe(false);
          expect((await store.list()).map((k) => [k.kid, k.revokedAt])).toEqual([
            ['lost1', '2026-11-20T04:30:00.000Z'],
            ['a1', null],
          ]);
          expect(await store.countActive('admin')).toBe(1);
        } finally {
          await store.close();
        }
        const stored = await raw.db(dbName).collection('robo_api_keys').findOne({ _id: 'a1' as never });
        expect(stored).not.toHaveProperty('bootstrapPending');
        expect(await raw.db(dbName).collection('robo_auth_bootstrap').findOne({ _id: 'first-key' as never })).toMatchObject({ kid: 'a1' });
      } finally {
        await raw.close();
      }
    });
  });
}
