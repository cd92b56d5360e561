import { randomUUID } from 'node:crypto';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { ProjectorService } from '@robo/projector';
import { openAccount, placeOrder } from './auth-fixtures';
import { startTestApp, TestApp, TestKey } from './test-app';

/** An OrderModified whose quantity is not a number: the orders projection can only make a NaN of it, so it is parked. */
function modified(orderId: string, accountId: string, quantity: unknown) {
  return {
    type: 'OrderModified',
    data: { orderId, accountId, quantity, limitPricePaise: 45_000, triggerPricePaise: null, reservedPaise: 0 },
    metadata: { eventId: randomUUID(), correlationId: randomUUID(), causationId: null, actor: 'user:test', occurredAt: '2026-11-20T04:31:00.000Z', schemaVersion: 1 },
  };
}

describe('projections: dead letters, status, verified rebuilds, /metrics (HTTP)', () => {
  let t: TestApp;
  let store: EventStore;
  let trader: TestKey;
  let auditor: TestKey;
  let account: string;
  let poisonedOrder: string;
  let poisonId: string;

  const settle = async () => {
    const head = await store.headPosition();
    expect(await t.app.get(ProjectorService).runner.waitForPosition(head, 5000)).toBe(true);
    return head;
  };

  beforeAll(async () => {
    t = await startTestApp();
    store = t.app.get(EVENT_STORE);
    trader = await t.createKey('trader');
    auditor = await t.createKey('auditor');
    account = await openAccount(t, trader, 'dead letters');
    poisonedOrder = await placeOrder(t, trader, account);
    const poison = await store.append(`order-${poisonedOrder}`, [modified(poisonedOrder, account, 'lots')], { expectedRevision: 'any' });
    poisonId = `orders:${poison.lastGlobalPosition}`;
    await store.append(`order-${poisonedOrder}`, [modified(poisonedOrder, account, 50)], { expectedRevision: 'any' });
  }, 30_000);
  afterAll(async () => t.close());

  it('parks the poisoned event and its follower for that order only; other orders and the checkpoint go on', async () => {
    const other = await placeOrder(t, trader, account, { quantity: 7 });
    const head = await settle();
    expect((await t.as(trader.token).get(`/api/orders/${other}`)).body).toMatchObject({ orderId: other, quantity: 7 });
    expect((await t.as(trader.token).get(`/api/orders/${poisonedOrder}`)).body).toMatchObject({ quantity: 100 });

    const letters = await t.as(auditor.token).get('/api/projections/dead-letters?projection=orders');
    expect(letters.status).toBe(200);
    expect(letters.body.items).toEqual([
      expect.objectContaining({ id: poisonId, projection: 'orders', type: 'OrderModified', streamName: `order-${poisonedOrder}`, blockedBy: null, attempts: 1, error: expect.stringContaining('not a finite number') }),
      expect.objectContaining({ projection: 'orders', blockedBy: poisonId, error: null, docKeys: [`orders/${poisonedOrder}`] }),
    ]);

    const status = await t.api.get('/api/projections');
    const orders = status.body.projections.find((p: { name: string }) => p.name === 'orders');
    expect(orders).toMatchObject({ checkpoint: Number(head), head: Number(head), lagEvents: 0, lagSeconds: 0, caughtUp: true, parked: 2, running: true, source: 'embedded' });
    expect(orders.eventsPerSecond).toEqual(expect.any(Number));
    expect(orders.lastError.message).toContain('not a finite number');
    // The settlement reactor's checkpoint is no projection (it cannot be rebuilt): it is listed apart.
    expect(status.body.projections.map((p: { name: string }) => p.name)).not.toContain('reactor.settlement');
    expect(status.body.reactors).toEqual([{ name: 'reactor.settlement', checkpoint: expect.any(Number), head: Number(head), lagEvents: expect.any(Number), lagBytes: null }]);
  });

  it('retries: a still-broken event stays parked with one more attempt; unknown ids and names are refused', async () => {
    const one = await t.api.post(`/api/projections/dead-letters/${poisonId}/retry`).send({});
    expect(one.status).toBe(200);
    expect(one.body.resolved).toEqual([]);
    expect(one.body.stillParked[0]).toMatchObject({ id: poisonId, attempts: 2 });
    const all = await t.api.post('/api/projections/orders/dead-letters/retry').send({});
    expect(all.status).toBe(200);
    expect(all.body.stillParked).toHaveLength(2);
    expect((await t.api.post('/api/projections/dead-letters/orders:999999/retry').send({})).body.code).toBe('DEAD_LETTER_NOT_FOUND');
    expect((await t.api.post('/api/projections/dead-letters/not-an-id/retry').send({})).body.code).toBe('INVALID_ID');
    expect((await t.api.post('/api/projections/nope/dead-letters/retry').send({})).status).toBe(404);
    expect((await t.api.get('/api/projections/dead-letters?projection=a;b')).status).toBe(400);
  });

  it('rebuilds orders into a shadow, matches, swaps, and serves live reads during the rebuild', async () => {
    for (let i = 0; i < 20; i += 1) await placeOrder(t, trader, account, { quantity: i + 1 });
    const head = await settle();
    const before = await t.api.get(`/api/orders?accountId=${account}&limit=200`);
    const rebuilding = t.api.post('/api/projections/orders/rebuild').send({});
    const during = await Promise.all([t.as(trader.token).get(`/api/orders/${poisonedOrder}`), t.as(trader.token).get(`/api/orders?accountId=${account}&limit=200`)]);
    const res = await rebuilding;
    expect(during.map((r) => r.status)).toEqual([200, 200]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ projection: 'orders', matched: true, swapped: true });
    expect(res.body.checkpoint).toBeGreaterThanOrEqual(Number(head));
    expect(res.body.collections).toEqual([
      expect.objectContaining({ name: 'orders', liveCount: before.body.items.length, shadowCount: before.body.items.length, firstDifferences: [] }),
    ]);
    expect(res.body.collections[0].liveChecksum).toBe(res.body.collections[0].shadowChecksum);
    // The swapped copy serves the same answers, and the parked events came along.
    expect((await t.api.get(`/api/orders?accountId=${account}&limit=200`)).body).toEqual(before.body);
    expect((await t.api.get('/api/projections/dead-letters')).body.items.map((l: { id: string }) => l.id)).toContain(poisonId);
    const verify = await t.api.post('/api/projections/prices/rebuild').send({ verifyOnly: true });
    expect(verify.body).toMatchObject({ projection: 'prices', matched: true, swapped: false });
    expect((await t.api.post('/api/projections/orders/rebuild').send({ force: 'yes' })).body.code).toBe('VALIDATION_FAILED');
    expect((await t.api.post('/api/projections/nope/rebuild').send({})).body.code).toBe('UNKNOWN_PROJECTION');
  });

  it('exposes projection gauges and request metrics in the Prometheus text format', async () => {
    await t.api.get('/api/projections');
    await t.as(trader.token).get(`/api/orders/${poisonedOrder}`);
    const res = await t.as(auditor.token).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text: string = res.text;
    const value = (line: RegExp) => Number(text.split('\n').find((l) => line.test(l))?.split(' ').pop());
    const head = Number(await store.headPosition());
    expect(value(/^robo_projection_checkpoint\{projection="orders"\}/)).toBe(head);
    expect(value(/^robo_projection_log_head\{projection="orders"\}/)).toBe(head);
    expect(value(/^robo_projection_lag_events\{projection="orders"\}/)).toBe(0);
    expect(value(/^robo_projection_caught_up\{projection="orders"\}/)).toBe(1);
    expect(value(/^robo_projection_parked_events\{projection="orders"\}/)).toBe(2);
    expect(value(/^robo_projection_parked_events\{projection="positions"\}/)).toBe(0);
    expect(text).toMatch(/^robo_projection_lag_seconds\{projection="orders"\} 0$/m);
    expect(text).toMatch(/^robo_projection_events_per_second\{projection="orders"\} [\d.]+$/m);
    expect(text).toContain('# TYPE robo_http_requests_total counter');
    expect(value(/^robo_http_requests_total\{method="GET",route="\/api\/projections",status="200"\}/)).toBeGreaterThanOrEqual(1);
    expect(value(/^robo_http_requests_total\{method="GET",route="\/api\/orders\/:id",status="200"\}/)).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^robo_http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/api\/orders\/:id",status="200"\} \d+$/m);
    expect(text).not.toContain(poisonedOrder);
  });

  it('lets auditors read dead letters and metrics but only admins retry or rebuild', async () => {
    expect((await t.as(trader.token).get('/api/projections/dead-letters')).status).toBe(403);
    expect((await t.as(trader.token).get('/metrics')).status).toBe(403);
    expect((await t.as(auditor.token).post(`/api/projections/dead-letters/${poisonId}/retry`).send({})).status).toBe(403);
    expect((await t.as(auditor.token).post('/api/projections/orders/rebuild').send({})).status).toBe(403);
    expect((await t.as(auditor.token).get('/metrics')).status).toBe(200);
    expect((await t.as(trader.token).get('/api/projections')).status).toBe(200);
  });
});
