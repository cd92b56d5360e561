import { EVENT_STORE } from '@robo/event-store';
import { Cast, makeCast } from './auth-fixtures';
import { startTestApp, TestApp } from './test-app';

describe('analyst without ANTHROPIC_API_KEY: disabled with a clear 503, everything else works', () => {
  let t: TestApp;
  let c: Cast;

  beforeAll(async () => {
    t = await startTestApp();
    c = await makeCast(t);
  });
  afterAll(async () => t.close());

  it('answers 503 ANALYST_DISABLED on every analyst endpoint, with how to enable it, and appends nothing', async () => {
    const store = t.app.get(EVENT_STORE);
    const before = await store.headPosition();
    const id = '00000000-0000-4000-8000-000000000000';
    const calls = [
      t.as(c.trader.token).post('/api/analyst/questions').send({ question: 'What is my cash?', accountId: c.accountA }),
      t.as(c.trader.token).get(`/api/analyst/proposals?accountId=${c.accountA}`),
      t.as(c.trader.token).get(`/api/analyst/proposals/${id}`),
      t.as(c.trader.token).post(`/api/analyst/proposals/${id}/approve`).send({}),
      t.as(c.trader.token).post(`/api/analyst/proposals/${id}/reject`).send({ reason: 'no' }),
    ];
    for (const res of await Promise.all(calls)) {
      expect([res.status, res.body.code]).toEqual([503, 'ANALYST_DISABLED']);
      expect(res.body.message).toMatch(/ANTHROPIC_API_KEY/);
      expect(res.body.correlationId).toEqual(expect.any(String));
    }
    expect(await store.headPosition()).toBe(before);
  });

  it('tells the dashboard it is off and how to turn it on', async () => {
    const status = await t.as(c.viewer.token).get('/api/analyst/status');
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ enabled: false, model: null, message: expect.stringMatching(/ANTHROPIC_API_KEY/) });
  });

  it('leaves the rest of the api working', async () => {
    const orders = await t.as(c.trader.token).get(`/api/orders?accountId=${c.accountA}`);
    expect(orders.status).toBe(200);
    const placed = await t.as(c.trader.token).post('/api/orders').send({ accountId: c.accountA, instrument: 'ITC', side: 'BUY', quantity: 1, type: 'LIMIT', limitPricePaise: 45_000, product: 'CNC', validity: 'DAY' });
    expect(placed.status).toBe(201);
  });

  it('refuses to start when an analyst variable is malformed, naming the variable', async () => {
    await expect(startTestApp({ ANALYST_MAX_ROUNDS: 'lots' })).rejects.toThrow(/ANALYST_MAX_ROUNDS/);
  });
});
