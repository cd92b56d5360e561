import { throwawayDatabases } from '@robo/read-models/testing/mongo-databases';
import { MongoCredentialStore } from './mongo-credential-store';
import { credentialStoreContract, newKey } from './testing/credential-store.contract';

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
  credentialStoreContract('mongo', () => MongoCredentialStore.connect({ url, dbName: database() }));
}
