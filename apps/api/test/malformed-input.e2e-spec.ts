import request from 'supertest';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { startTestApp, TestApp } from './test-app';

const nested = (depth: number) => `{"apiKey":${'['.repeat(depth)}${']'.repeat(depth)}}`;

/** Malformed input the validators used to miss: a 4xx with a code, never a 500, never a rolled-over date. */
describe('malformed input answers 4xx with a code', () => {
  let t: TestApp;
  let store: EventStore;
  let accountId: string;
  let orderId: string;

  beforeAll(async () => {
    t = await startTestApp();
    store = t.app.get(EVENT_STORE);
    accountId = (await t.api.post('/api/accounts').send({ name: 'Strict', initialCashPaise: 100_000_000 })).body.accountId;
    const order = await t.api
      .post('/api/orders')
      .send({ accountId, instrument: 'SBIN', side: 'BUY', quantity: 1, type: 'LIMIT', limitPricePaise: 80_000, product: 'CNC', validity: 'DAY' });
    orderId = order.body.orderId;
  });
  afterAll(async () => t.close());

  it('refuses JSON nested 1,500 levels deep on POST /auth/token without a credential: 400 JSON_TOO_DEEP', async () => {
    const body = nested(1500);
    expect(body.length).toBeLessThan(6_100);
    const res = await request(t.server).post('/auth/token').set('content-type', 'application/json').send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('JSON_TOO_DEEP');
  });

  it('refuses deep nesting on a command too, and appends nothing', async () => {
    const before = await store.headPosition();
    const res = await t.api.post(`/api/accounts/${accountId}/deposits`).set('content-type', 'application/json').send(`{"amountPaise":1,"x":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('JSON_TOO_DEEP');
    expect(await store.headPosition()).toBe(before);
  });

  it('refuses a JSON body in another charset than UTF-8: 415', async () => {
    const res = await t.api.post(`/api/accounts/${accountId}/deposits`).set('content-type', 'application/json; charset=utf-16le').send(Buffer.from('{"amountPaise":1}', 'utf16le'));
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('UNSUPPORTED_ENCODING');
  });

  it.each([
    ['/api/audit?from=2026-13-45T99:99Z', 'from'],
    ['/api/audit?to=2026-02-30T10:00Z', 'to'],
    ['/api/audit?from=2026-11-20T24:00:00Z', 'from'],
    ['/api/audit?from=2026-11-20T10:00:00', 'from'],
    ['/api/audit?from=2026-11-20T10:00:00%2B99:00', 'from'],
    ['/api/accounts/:account/portfolio?asOf=2026-02-30T10:00Z', 'asOf'],
    ['/api/streams/account-:account/state?asOf=2026-02-30T10:00Z', 'asOf'],
    ['/api/accounts/:account/performance?from=2026-02-30', 'from'],
    ['/api/market/option-chain?underlying=NIFTY&expiry=2026-02-30', 'expiry'],
  ])('refuses the impossible instant in %s (never rolled over)', async (path, field) => {
    const res = await t.api.get(path.replace(':account', accountId));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details[0].field).toBe(field);
  });

  it('refuses a fill at an impossible business time, and appends nothing', async () => {
    const before = await store.headPosition();
    const res = await t.api.post(`/api/orders/${orderId}/fills`).send({ fillId: 'T-feb30', quantity: 1, pricePaise: 80_000, occurredAt: '2026-02-30T10:05:00+05:30' });
    expect(res.status).toBe(400);
    expect(res.body.details[0].field).toBe('occurredAt');
    expect(await store.headPosition()).toBe(before);
  });

  it('still reads real instants in any offset', async () => {
    const head = await store.headPosition();
    const res = await t.api.get(`/api/audit?accountId=${accountId}&from=2026-01-01T00:00Z&to=2099-12-31T18:30:00.123-05:00&minPosition=${head}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
  });
});
