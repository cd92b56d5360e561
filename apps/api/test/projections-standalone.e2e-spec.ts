import * as path from 'node:path';
import { SqliteEventStore } from '@robo/event-store';
import { ALL_PROJECTIONS, ProjectionRunner, SqliteReadModelStore } from '@robo/read-models';
import { openAccount, placeOrder } from './auth-fixtures';
import { startTestApp, TestApp } from './test-app';

describe('projections endpoints when the projector runs in another process (EMBEDDED_PROJECTOR=false)', () => {
  let t: TestApp;
  let projector: ProjectionRunner;
  let stores: { close(): Promise<void> }[];

  beforeAll(async () => {
    t = await startTestApp({ EMBEDDED_PROJECTOR: 'false' });
    // "The projector process": its own connections to the same files, its own runner.
    const eventStore = SqliteEventStore.open({ file: path.join(t.dataDir, 'events.db'), pollIntervalMs: 10 });
    const readStore = SqliteReadModelStore.open({ file: path.join(t.dataDir, 'read-models.db') });
    stores = [readStore, eventStore];
    projector = new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS, idleWaitMs: 20 });
    projector.start();
  }, 30_000);
  afterAll(async () => {
    await projector.stop();
    for (const s of stores) await s.close();
    await t.close();
  });

  it('reports status from the stores, and rebuilds with a verified swap without stopping the other process', async () => {
    const trader = await t.createKey('trader');
    const account = await openAccount(t, trader, 'standalone');
    const order = await placeOrder(t, trader, account);
    const head = BigInt((await t.api.get('/api/projections')).body.head);
    expect(await projector.waitForPosition(head, 5000)).toBe(true);

    const status = await t.api.get('/api/projections');
    const orders = status.body.projections.find((p: { name: string }) => p.name === 'orders');
    expect(orders).toMatchObject({ checkpoint: Number(head), lagEvents: 0, caughtUp: true, parked: 0, source: 'stores', eventsPerSecond: null, running: null });

    const rebuilt = await t.api.post('/api/projections/orders/rebuild').send({});
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.body).toMatchObject({ projection: 'orders', matched: true, swapped: true });
    expect((await t.as(trader.token).get(`/api/orders/${order}`)).body).toMatchObject({ orderId: order, status: 'OPEN' });
    // The other process keeps projecting into the swapped copy.
    const next = await placeOrder(t, trader, account, { quantity: 2 });
    expect(await projector.waitForPosition(BigInt((await t.api.get('/api/projections')).body.head), 5000)).toBe(true);
    expect((await t.as(trader.token).get(`/api/orders/${next}`)).body).toMatchObject({ orderId: next, quantity: 2 });
  });
});
