import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kiteSessionExpiry } from '@robo/domain';
import { BrokerSessions } from './broker-sessions';
import { BROKER_SESSIONS_FILE } from './sqlite-broker-session-store';
import { throwawayDatabases } from '@robo/read-models/testing/mongo-databases';
import { skippedSuite } from '@robo/runtime/testing/skip';
import { MongoBrokerSessionStore } from './mongo-broker-session-store';
import { brokerSessionStoreContract } from './testing/broker-session-store.contract';

const url = process.env.MONGO_URL;

describe('MongoBrokerSessionStore with an unreachable server', () => {
  it('answers CREDENTIAL_STORE_UNAVAILABLE', async () => {
    const store = MongoBrokerSessionStore.connect({ url: 'mongodb://127.0.0.1:1/robo_test?directConnection=true', serverSelectionTimeoutMs: 300 });
    try {
      await expect(store.load('kite')).rejects.toMatchObject({ code: 'CREDENTIAL_STORE_UNAVAILABLE' });
    } finally {
      await store.close();
    }
  });
});

if (!url) {
  skippedSuite('MongoBrokerSessionStore against MongoDB', 'MONGO_URL is not set (see docs/production.md, "Running the integration tests")');
} else {
  const database = throwawayDatabases(url, 'robo_broker_sessions_it');
  brokerSessionStoreContract('MongoBrokerSessionStore', async () => {
    const dbName = database();
    return { open: () => MongoBrokerSessionStore.connect({ url, dbName }), dispose: async () => undefined };
  });

  it('is the store of BrokerSessions.open with CREDENTIAL_STORE=mongo (the token sealed in the document)', async () => {
    const dbName = database();
    const mongoUrl = `${url.replace(/\/?$/, '/')}${dbName}`;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-mongo-sessions-'));
    const sessions = BrokerSessions.open({ dataDir, brokerTokenKey: null, credentialStore: 'mongo', mongoUrl }, () => '2026-12-07T09:10:00+05:30');
    await sessions.login('kite', async () => ({ accessToken: 'the-day-token', userId: 'AB1234' }), kiteSessionExpiry);
    await sessions.close();
    const direct = MongoBrokerSessionStore.connect({ url, dbName });
    try {
      const stored = await direct.load('kite');
      expect(stored).toMatchObject({ broker: 'kite', userId: 'AB1234', expiresAt: '2026-12-08T00:30:00.000Z' });
      expect(stored?.sealedToken).toMatch(/^v1:/);
      expect(JSON.stringify(stored)).not.toContain('the-day-token');
    } finally {
      await direct.close();
    }
    expect(fs.existsSync(path.join(dataDir, BROKER_SESSIONS_FILE))).toBe(false);
  });
}
