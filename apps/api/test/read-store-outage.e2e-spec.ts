import * as path from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { startTestApp, TestApp, TestKey } from './test-app';

/**
 * The read store stops taking writes while the api runs (another process holds its write lock past the busy
 * timeout, as a stuck backup or a failing disk would). Commands still append to the log; queries that ask to read
 * their own write answer 503 with a code instead of stale data; the projections report the error, back off, and
 * catch up by themselves once the store takes writes again.
 */
describe('read store outage: 503 on the affected reads, recovery without a restart', () => {
  let t: TestApp;
  let trader: TestKey;
  let accountId: string;

  beforeAll(async () => {
    t = await startTestApp({ QUERY_WAIT_TIMEOUT_MS: '1000' });
    trader = await t.createKey('trader');
    accountId = (await t.as(trader.token).post('/api/accounts').send({ name: 'read outage', initialCashPaise: 1_000_000 })).body.accountId;
  });
  afterAll(async () => t.close());

  it('answers READ_MODEL_LAGGING while projections cannot commit, then catches up by itself', async () => {
    const lock = new Database(path.join(t.dataDir, 'read-models.db'));
    lock.exec('BEGIN IMMEDIATE');
    let released = false;
    try {
      const deposit = await t.as(trader.token).post(`/api/accounts/${accountId}/deposits`).send({ amountPaise: 500 });
      expect(deposit.status).toBe(201); // the log still takes commands
      const read = await t.as(trader.token).get(`/api/accounts/${accountId}`).query({ minPosition: deposit.body.globalPosition });
      expect([read.status, read.body.code]).toEqual([503, 'READ_MODEL_LAGGING']);
      expect(read.headers['retry-after']).toBe('1');
      const ready = await request(t.server).get('/health/ready');
      expect([ready.status, ready.body.checks.readStore]).toEqual([503, 'unavailable']);

      // The projections keep failing to commit (busy timeout) and say so. Polled until they do (the test's timeout
      // guards a hang): a loaded machine makes it slower, not different.
      let accounts: { lastError: { code: string } | null; caughtUp: boolean } | undefined;
      for (;;) {
        // Positions and errors of the projections are for operators.
        const status = await t.api.get('/api/projections');
        accounts = status.body.projections.find((p: { name: string }) => p.name === 'accounts');
        if (accounts?.lastError) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(accounts?.lastError).toMatchObject({ code: 'READ_STORE_UNAVAILABLE' });
      expect(accounts?.caughtUp).toBe(false);

      lock.exec('ROLLBACK');
      lock.close();
      released = true;

      // Back: the projections retry on their own; the same read now answers with the deposit in it.
      let after = await t.as(trader.token).get(`/api/accounts/${accountId}`).query({ minPosition: deposit.body.globalPosition });
      while (after.status === 503) {
        await new Promise((r) => setTimeout(r, 250));
        after = await t.as(trader.token).get(`/api/accounts/${accountId}`).query({ minPosition: deposit.body.globalPosition });
      }
      expect(after.status).toBe(200);
      expect(after.body.cashPaise).toBe(1_000_500);
      expect((await request(t.server).get('/health/ready')).status).toBe(200);
    } finally {
      if (!released) {
        lock.exec('ROLLBACK');
        lock.close();
      }
    }
  }, 60_000);
});
