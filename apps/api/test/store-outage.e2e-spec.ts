import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { startTestApp, TestApp, TestKey } from './test-app';

/**
 * The stores go away and come back while the api runs. As root, chmod cannot make a file unwritable, so the
 * outage is made the way another process or a failed disk would: a write lock held past the busy timeout (the
 * store drops its handle), then the data directory replaced by a plain file (re-opening fails), then put back.
 */
describe('store outage: 503 with a code, readiness false, recovery without a restart', () => {
  let t: TestApp;
  let trader: TestKey;
  let accountId: string;

  beforeAll(async () => {
    t = await startTestApp();
    trader = await t.createKey('trader');
    accountId = (await t.as(trader.token).post('/api/accounts').send({ name: 'outage', initialCashPaise: 1_000_000 })).body.accountId;
  });
  afterAll(async () => t.close());

  it('answers 503 while the event and credential stores are gone, and recovers by itself', async () => {
    const ready = async () => {
      const res = await request(t.server).get('/health/ready');
      return { status: res.status, checks: res.body.checks };
    };
    expect(await ready()).toEqual({ status: 200, checks: { eventStore: 'ok', readStore: 'ok', credentialStore: 'ok' } });

    // Another process holds both write locks, and the data directory is replaced by a plain file (the open
    // handles keep working until they fail): the next writes wait out the busy timeout, fail, and drop their
    // handles; re-opening then fails at once.
    const locks = ['events.db', 'auth.db'].map((file) => {
      const db = new Database(path.join(t.dataDir, file));
      db.exec('BEGIN IMMEDIATE');
      return db;
    });
    const parked = `${t.dataDir}-parked`;
    fs.renameSync(t.dataDir, parked);
    fs.writeFileSync(t.dataDir, 'not a directory');
    try {
      const [deposit, newKey] = await Promise.all([
        t.as(trader.token).post(`/api/accounts/${accountId}/deposits`).send({ amountPaise: 100 }),
        t.api.post('/api/admin/keys').send({ name: 'during outage', role: 'viewer' }),
      ]);
      expect([deposit.status, deposit.body.code, deposit.headers['retry-after']]).toEqual([503, 'STORE_UNAVAILABLE', '1']);
      expect([newKey.status, newKey.body.code]).toEqual([503, 'CREDENTIAL_STORE_UNAVAILABLE']);
      for (const db of locks.splice(0)) {
        db.exec('ROLLBACK');
        db.close();
      }

      const started = Date.now();
      const again = await t.as(trader.token).post(`/api/accounts/${accountId}/deposits`).send({ amountPaise: 100 });
      // Known keys keep authenticating for a short grace while the credential store is away.
      expect([again.status, again.body.code]).toEqual([503, 'STORE_UNAVAILABLE']);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(await ready()).toEqual({ status: 503, checks: { eventStore: 'unavailable', readStore: 'ok', credentialStore: 'unavailable' } });
      const order = await t.as(trader.token).post('/api/orders').send({ accountId, instrument: 'ITC', side: 'BUY', quantity: 1, type: 'MARKET', product: 'CNC', validity: 'DAY' });
      expect([order.status, order.body.code]).toEqual([503, 'STORE_UNAVAILABLE']);
      // Reads served by the read models still answer.
      expect((await t.as(trader.token).get(`/api/accounts/${accountId}`)).status).toBe(200);
    } finally {
      for (const db of locks) db.close();
      fs.rmSync(t.dataDir);
      fs.renameSync(parked, t.dataDir);
    }

    // Back: no restart, the next calls re-open the files; background loops resume after their backoff.
    expect(await ready()).toEqual({ status: 200, checks: { eventStore: 'ok', readStore: 'ok', credentialStore: 'ok' } });
    const after = await t.as(trader.token).post(`/api/accounts/${accountId}/deposits`).send({ amountPaise: 100 });
    expect(after.status).toBe(201);
    const account = await t.as(trader.token).get(`/api/accounts/${accountId}`).query({ minPosition: after.body.globalPosition });
    expect(account.status).toBe(200);
    // Only the deposit made after the outage went through.
    expect(account.body.cashPaise).toBe(1_000_100);
    expect((await t.api.post('/api/admin/keys').send({ name: 'after outage', role: 'viewer' })).status).toBe(201);
  }, 60_000);
});
