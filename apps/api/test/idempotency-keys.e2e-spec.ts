import { EVENT_STORE, EventEnvelope, EventStore } from '@robo/event-store';
import { orderStream } from '@robo/domain';
import { startTestApp, TestApp, TestKey } from './test-app';

const FAST_MA = { instrument: 'INFY', fastPeriod: 2, slowPeriod: 3, barSeconds: 60, product: 'MIS', allowShort: true };
const LIMIT = { instrument: 'SBIN', side: 'BUY', quantity: 10, type: 'LIMIT', limitPricePaise: 80_000, product: 'CNC', validity: 'DAY' };
const STOP = { instrument: 'SBIN', side: 'BUY', quantity: 10, type: 'SL-M', triggerPricePaise: 82_000, product: 'CNC', validity: 'DAY' };

type Verb = 'post' | 'put' | 'delete';
interface Command {
  name: string;
  method: Verb;
  path: () => Promise<string>;
  body: Record<string, unknown> | undefined;
  /** Another request under the same key: another body, or the same body on another resource. */
  other: { path?: () => Promise<string>; body?: Record<string, unknown> };
}

/**
 * Every command takes an Idempotency-Key the same way: the same key and request give the first answer and
 * append nothing; the same key with another request is refused with 422 IDEMPOTENCY_KEY_REUSED.
 */
describe('Idempotency-Key on every command', () => {
  let t: TestApp;
  let store: EventStore;
  let trader: TestKey;
  let accountId: string;
  let n = 0;
  const key = () => `key-${++n}`;

  const placeOrder = async (body: Record<string, unknown> = LIMIT): Promise<string> => {
    const res = await t.as(trader.token).post('/api/orders').send({ accountId, ...body });
    if (res.status !== 201) throw new Error(`place failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.orderId as string;
  };
  const registerStrategy = async (): Promise<string> => {
    const res = await t.as(trader.token).post('/api/strategies').send({ kind: 'ma-crossover', name: 'fast MA', accountId, parameters: FAST_MA, instruments: ['INFY'], capitalAllocationPaise: 5_000_000 });
    if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.strategyId as string;
  };
  const activeStrategy = async (): Promise<string> => {
    const id = await registerStrategy();
    expect((await t.as(trader.token).post(`/api/strategies/${id}/activate`).send({})).status).toBe(200);
    return id;
  };
  const send = (agent: ReturnType<TestApp['as']>, method: Verb, path: string, body: Record<string, unknown> | undefined, idempotencyKey: string) => {
    const req = agent[method](path).set('idempotency-key', idempotencyKey);
    return body === undefined ? req : req.send(body);
  };
  const appendedSince = (position: bigint): Promise<EventEnvelope[]> => store.readAll({ after: position, maxCount: 1000 });

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '1000000' });
    store = t.app.get(EVENT_STORE);
    trader = await t.createKey('trader');
    const opened = await t.as(trader.token).post('/api/accounts').send({ name: 'Keys', initialCashPaise: 10_000_000_000 });
    accountId = opened.body.accountId;
  });
  afterAll(async () => t.close());

  const id = (make: () => Promise<string>) => {
    let cached: Promise<string> | null = null;
    return () => (cached ??= make());
  };

  // Each row gets fresh resources, so its first request succeeds.
  const rows = (): Command[] => {
    const order = id(() => placeOrder());
    const otherOrder = id(() => placeOrder());
    const stop = id(() => placeOrder(STOP));
    const strategy = id(registerStrategy);
    const active = id(activeStrategy);
    const viewerKid = id(async () => (await t.createKey('viewer')).kid);
    const revocable = id(async () => (await t.createKey('viewer')).kid);
    const granted = id(async () => {
      const kid = (await t.createKey('viewer', [accountId])).kid;
      return kid;
    });
    return [
      { name: 'cancel', method: 'post', path: async () => `/api/orders/${await order()}/cancel`, body: { reason: 'changed my mind' }, other: { path: async () => `/api/orders/${await otherOrder()}/cancel` } },
      { name: 'modify', method: 'post', path: async () => `/api/orders/${await order()}/modify`, body: { quantity: 20 }, other: { body: { quantity: 30 } } },
      { name: 'trigger', method: 'post', path: async () => `/api/orders/${await stop()}/trigger`, body: { lastPricePaise: 82_500 }, other: { body: { lastPricePaise: 83_000 } } },
      { name: 'deposit', method: 'post', path: async () => `/api/accounts/${accountId}/deposits`, body: { amountPaise: 100 }, other: { body: { amountPaise: 200 } } },
      { name: 'risk limits', method: 'post', path: async () => `/api/accounts/${accountId}/risk-limits`, body: { maxPositionQuantity: 10_000 }, other: { body: { maxPositionQuantity: 20_000 } } },
      { name: 'halt', method: 'post', path: async () => `/api/accounts/${accountId}/halt`, body: { reason: 'check' }, other: { body: { reason: 'another' } } },
      { name: 'resume', method: 'post', path: async () => `/api/accounts/${accountId}/resume`, body: undefined, other: { body: { unexpected: true } } },
      {
        name: 'register strategy',
        method: 'post',
        path: async () => '/api/strategies',
        body: { kind: 'ma-crossover', name: 'keyed', accountId: '', parameters: FAST_MA, instruments: ['INFY'], capitalAllocationPaise: 5_000_000 },
        other: { body: { kind: 'ma-crossover', name: 'keyed, renamed', accountId: '', parameters: FAST_MA, instruments: ['INFY'], capitalAllocationPaise: 5_000_000 } },
      },
      { name: 'activate strategy', method: 'post', path: async () => `/api/strategies/${await strategy()}/activate`, body: undefined, other: { path: async () => `/api/strategies/${await active()}/pause` } },
      { name: 'pause strategy', method: 'post', path: async () => `/api/strategies/${await active()}/pause`, body: { reason: 'lunch' }, other: { body: { reason: 'dinner' } } },
      { name: 'halt strategy', method: 'post', path: async () => `/api/strategies/${await active()}/halt`, body: { reason: 'odd fills' }, other: { body: { reason: 'other' } } },
      { name: 'stop strategy', method: 'post', path: async () => `/api/strategies/${await active()}/stop`, body: { reason: 'done' }, other: { body: { reason: 'other' } } },
      { name: 'strategy parameters', method: 'put', path: async () => `/api/strategies/${await strategy()}/parameters`, body: { parameters: { ...FAST_MA, slowPeriod: 4 } }, other: { body: { parameters: { ...FAST_MA, slowPeriod: 5 } } } },
      { name: 'create key', method: 'post', path: async () => '/api/admin/keys', body: { name: 'keyed', role: 'viewer' }, other: { body: { name: 'keyed', role: 'auditor' } } },
      { name: 'grant', method: 'post', path: async () => `/api/admin/keys/${await viewerKid()}/grants`, body: { accountId: '' }, other: { path: async () => `/api/admin/keys/${await revocable()}/grants` } },
      { name: 'ungrant', method: 'delete', path: async () => `/api/admin/keys/${await granted()}/grants/${accountId}`, body: undefined, other: { path: async () => `/api/admin/keys/${await viewerKid()}/grants/${accountId}` } },
      { name: 'revoke', method: 'post', path: async () => `/api/admin/keys/${await revocable()}/revoke`, body: undefined, other: { path: async () => `/api/admin/keys/${await viewerKid()}/revoke` } },
    ];
  };
  const withAccount = (body: Record<string, unknown> | undefined) =>
    body === undefined ? undefined : Object.fromEntries(Object.entries(body).map(([k, v]) => [k, k === 'accountId' && v === '' ? accountId : v]));
  const agentFor = (row: Command) => (['create key', 'grant', 'ungrant', 'revoke', 'risk limits', 'halt', 'resume', 'trigger'].includes(row.name) ? t.api : t.as(trader.token));

  it.each(rows().map((row) => [row.name, row] as const))('%s: the same key and request give the first answer and append nothing', async (_name, row) => {
    const fresh = rows().find((r) => r.name === row.name)!;
    const agent = agentFor(fresh);
    const path = await fresh.path();
    const body = withAccount(fresh.body);
    const k = key();
    const first = await send(agent, fresh.method, path, body, k);
    expect(first.status).toBeLessThan(300);
    const head = await store.headPosition();
    const again = await send(agent, fresh.method, path, body, k);
    expect({ status: again.status, body: again.body }).toEqual({ status: first.status, body: fresh.name === 'create key' ? { ...first.body, apiKey: undefined } : first.body });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await appendedSince(head)).map((e) => e.type)).toEqual([]);
  });

  it.each(rows().map((row) => [row.name, row] as const))('%s: the same key with another request is refused with 422 IDEMPOTENCY_KEY_REUSED', async (_name, row) => {
    const fresh = rows().find((r) => r.name === row.name)!;
    const agent = agentFor(fresh);
    const k = key();
    const first = await send(agent, fresh.method, await fresh.path(), withAccount(fresh.body), k);
    expect(first.status).toBeLessThan(300);
    const otherPath = fresh.other.path ? await fresh.other.path() : await fresh.path();
    const otherBody = withAccount(fresh.other.body ?? fresh.body);
    const head = await store.headPosition();
    const reused = await send(agent, fresh.method, otherPath, otherBody, k);
    expect({ status: reused.status, code: reused.body.code }).toEqual({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await appendedSince(head)).map((e) => e.type)).toEqual([]);
  });

  it('cancel twice with one key: 200 and the same answer both times, one OrderCancelled', async () => {
    const orderId = await placeOrder();
    const first = await t.as(trader.token).post(`/api/orders/${orderId}/cancel`).set('idempotency-key', 'cancel-1').send({});
    const second = await t.as(trader.token).post(`/api/orders/${orderId}/cancel`).set('idempotency-key', 'cancel-1').send({});
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body).toEqual(first.body);
    const events = await store.readStream(orderStream(orderId));
    expect(events.filter((e) => e.type === 'OrderCancelled')).toHaveLength(1);
  });

  it('modify three times with one key and different bodies: one OrderModified, then 422 twice', async () => {
    const orderId = await placeOrder();
    const statuses: number[] = [];
    for (const quantity of [11, 12, 13]) {
      statuses.push((await t.as(trader.token).post(`/api/orders/${orderId}/modify`).set('idempotency-key', 'modify-1').send({ quantity })).status);
    }
    expect(statuses).toEqual([200, 422, 422]);
    const events = await store.readStream(orderStream(orderId));
    expect(events.filter((e) => e.type === 'OrderModified').map((e) => (e.data as { quantity: number }).quantity)).toEqual([11]);
  });

  it('concurrent requests with one key run once', async () => {
    const orderId = await placeOrder();
    const answers = await Promise.all(
      [1, 2, 3, 4].map(() => t.as(trader.token).post(`/api/orders/${orderId}/modify`).set('idempotency-key', 'modify-race').send({ quantity: 15 })),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    const events = await store.readStream(orderStream(orderId));
    expect(events.filter((e) => e.type === 'OrderModified')).toHaveLength(1);
  });

  it('keys are per credential: another trader using the same key string runs its own command', async () => {
    const other = await t.createKey('trader', [accountId]);
    const a = await t.as(trader.token).post(`/api/accounts/${accountId}/deposits`).set('idempotency-key', 'shared-string').send({ amountPaise: 300 });
    const b = await t.as(other.token).post(`/api/accounts/${accountId}/deposits`).set('idempotency-key', 'shared-string').send({ amountPaise: 400 });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.globalPosition).toBeGreaterThan(a.body.globalPosition);
  });

  it('a replayed key creation answers with the key but never stores or repeats its secret', async () => {
    const first = await t.api.post('/api/admin/keys').set('idempotency-key', 'create-secret').send({ name: 'once', role: 'viewer' });
    const again = await t.api.post('/api/admin/keys').set('idempotency-key', 'create-secret').send({ name: 'once', role: 'viewer' });
    expect(first.body.apiKey).toMatch(/^rtk_/);
    expect(again.body.kid).toBe(first.body.kid);
    expect(again.body.apiKey).toBeUndefined();
    const log = JSON.stringify(await store.readAll({ maxCount: 100_000 }), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    expect(log).not.toContain(first.body.apiKey);
    expect((await t.api.get('/api/admin/keys')).body.items.filter((k: { name: string }) => k.name === 'once')).toHaveLength(1);
  });

  it('a refused command is not remembered: the retry runs again (and appends nothing while refused)', async () => {
    const orderId = await placeOrder();
    const refused = await t.api.post(`/api/orders/${orderId}/trigger`).set('idempotency-key', 'trigger-limit').send({ lastPricePaise: 80_000 });
    expect(refused.status).toBe(422);
    const head = await store.headPosition();
    const again = await t.api.post(`/api/orders/${orderId}/trigger`).set('idempotency-key', 'trigger-limit').send({ lastPricePaise: 80_000 });
    expect(again.status).toBe(422);
    expect(again.body.code).toBe(refused.body.code);
    expect(await store.headPosition()).toBe(head);
  });
});
