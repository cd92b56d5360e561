import * as fs from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import * as os from 'node:os';
import * as path from 'node:path';
import { EVENT_STORE, SqliteEventStore, type EventStore } from '@robo/event-store';
import { CLOCK, latestBusinessTime, type Clock } from '@robo/runtime';
import { kiteTagOf } from '@robo/broker-kite';
import { KiteServer } from '@robo/broker-kite/testing/kite-server';
import { KiteReconcilerService } from '../src/brokers/kite-reconciler.service';
import { api, bearer, ChildApp, freePort } from './child-app';
import { MARKET_OPEN_INSTANT, startTestApp, TestApp } from './test-app';

interface StreamEvent {
  type: string;
  data: Record<string, unknown>;
  metadata: { actor: string };
  globalPosition: number;
}

const RECONCILER = 'system:reconciler';
const KITE_ENV = { KITE_API_KEY: 'robokey', KITE_API_SECRET: 'robosecret', KITE_ACCESS_TOKEN: 'daytoken', KITE_RECONCILE_SECONDS: '0' };
const buyBody = (accountId: string, quantity = 10) => ({ accountId, instrument: 'INFY', side: 'BUY', quantity, type: 'LIMIT', limitPricePaise: 150_000, product: 'MIS', validity: 'DAY' });

/** Reconciliation with the local Kite server: what the other channels missed is found and recorded, once. */
describe('reconciliation with Kite (local Kite server)', () => {
  let server: KiteServer;
  let t: TestApp;
  let clock: Clock | null = null;
  let store: EventStore;
  let reconciler: KiteReconcilerService;

  beforeAll(async () => {
    server = await KiteServer.start({ apiKey: 'robokey', apiSecret: 'robosecret', accessToken: 'daytoken', now: () => new Date(clock ? clock.now() : Date.now()) });
    t = await startTestApp({ ...KITE_ENV, KITE_ROOT: server.root, KITE_TICKER_ROOT: server.tickerRoot });
    clock = t.app.get<Clock>(CLOCK);
    store = t.app.get<EventStore>(EVENT_STORE);
    reconciler = t.app.get(KiteReconcilerService);
  });
  afterAll(async () => {
    await t.close();
    await server.close();
  });

  const stream = async (name: string): Promise<StreamEvent[]> => (await t.api.get(`/api/streams/${name}/events`).expect(200)).body.events;
  /** Waits for the stream to satisfy the test, woken by each new event in the store (no sleeps). */
  const until = async (name: string, test: (events: StreamEvent[]) => boolean): Promise<StreamEvent[]> => {
    for (;;) {
      const head = await store.headPosition();
      const events = await stream(name);
      if (test(events)) return events;
      await store.waitForEventsAfter(head, { timeoutMs: 60_000 });
    }
  };
  /** Every event of the log appended with the reconciler's actor. */
  const byReconciler = async () => (await store.readAll({ after: 0n, maxCount: 100_000 })).filter((e) => e.metadata.actor === RECONCILER);
  /** The endpoint's answer, checked against its response schema in the served OpenAPI document. */
  const reconciliationView = async () => {
    const res = await t.api.get('/api/brokers/kite/reconciliation').expect(200);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...(await t.api.get('/docs-json').expect(200)).body, $id: 'robo:openapi' });
    const validate = ajv.compile({ $ref: 'robo:openapi#/paths/~1api~1brokers~1kite~1reconciliation/get/responses/200/content/application~1json/schema' });
    expect([validate(res.body), validate.errors ?? null]).toEqual([true, null]);
    return res.body;
  };
  const metric = async (line: RegExp): Promise<string | undefined> => ((await t.api.get('/metrics').expect(200)).text as string).split('\n').find((l) => line.test(l));

  it('after a disconnect mid-fill appends the missed fill once (system:reconciler, found by the reconciliation), and a second pass appends nothing', async () => {
    const { accountId } = (await t.api.post('/api/accounts').send({ name: 'Kite recon', initialCashPaise: 100_000_000 }).expect(201)).body;
    await t.api.post(`/api/accounts/${accountId}/broker`).send({ broker: 'kite' }).expect(200);
    const orderId = (await t.api.post('/api/orders').send(buyBody(accountId)).expect(201)).body.orderId as string;
    const routed = (await until(`order-${orderId}`, (es) => es.some((e) => e.type === 'BrokerOrderUpdated' && e.data.brokerStatus === 'OPEN'))).find((e) => e.type === 'OrderRouted');
    const brokerOrderId = String(routed?.data.brokerOrderId);

    const first = server.fill(brokerOrderId, 4, 1500);
    await until(`order-${orderId}`, (es) => es.some((e) => e.type === 'OrderPartiallyFilled'));
    // The socket drops; the rest fills while it is down (no postback URL here): only a reconciliation can see it.
    // Passes are not periodic here (KITE_RECONCILE_SECONDS=0): the next one is the one after the reconnection.
    const passAfterReconnect = new Promise<number>((resolve) => {
      const off = reconciler.onPass(() => {
        off();
        resolve(server.tickerClients);
      });
    });
    server.dropSockets();
    const missed = server.fill(brokerOrderId, 6, 1500);
    const events = await until(`order-${orderId}`, (es) => es.some((e) => e.type === 'BrokerOrderUpdated' && e.data.brokerStatus === 'COMPLETE'));
    expect(await passAfterReconnect).toBe(1);
    await reconciler.reconcile();

    const fills = (await stream(`order-${orderId}`)).filter((e) => e.type === 'OrderPartiallyFilled' || e.type === 'OrderFilled');
    expect(fills.map((e) => [e.data.fillId, e.data.quantity, e.metadata.actor, (e.data.foundBy as { channel: string }).channel])).toEqual([
      [first.trade_id, 4, 'system:broker-kite', 'socket'],
      [missed.trade_id, 6, RECONCILER, 'reconciler'],
    ]);
    expect(fills[1].data.foundBy).toEqual({ broker: 'kite', brokerOrderId, channel: 'reconciler' });
    expect(events.find((e) => e.type === 'BrokerOrderUpdated' && e.data.brokerStatus === 'COMPLETE')?.metadata.actor).toBe(RECONCILER);

    const before = (await byReconciler()).length;
    await reconciler.reconcile();
    expect((await byReconciler()).length).toBe(before);
    const view = (await reconciliationView());
    expect(view.lastPassAppended).toEqual({ fill: 0, broker_status: 0, routing: 0, external_order: 0, discrepancy_found: 0, discrepancy_cleared: 0, other: 0 });
    expect(await metric(/^robo_broker_reconciled_events_total\{broker="kite",kind="fill"\} [1-9]/)).toBeDefined();
  });

  it('records an order placed at Kite outside this system as external, once, and trades it into no account', async () => {
    const external = server.placeExternal({ tradingsymbol: 'TCS', exchange: 'NSE', transaction_type: 'SELL', order_type: 'LIMIT', quantity: 2, product: 'CNC', validity: 'DAY', price: 3500 });
    await reconciler.reconcile();
    await reconciler.reconcile();
    const seen = (await stream('broker-kite')).filter((e) => e.type === 'ExternalBrokerOrderSeen' && e.data.brokerOrderId === external.order_id);
    expect(seen).toHaveLength(1);
    expect(seen[0].metadata.actor).toBe(RECONCILER);
    expect(seen[0].data).toMatchObject({ broker: 'kite', tag: null, instrument: 'TCS', side: 'SELL', quantity: 2 });
    const log = await store.readAll({ after: 0n, maxCount: 100_000 });
    expect(log.filter((e) => JSON.stringify(e.data).includes(external.order_id)).map((e) => e.type)).toEqual(['ExternalBrokerOrderSeen']);
    const view = (await reconciliationView());
    expect(view.externalOrders.map((o: { brokerOrderId: string }) => o.brokerOrderId)).toContain(external.order_id);
  });

  it('records a day position that still disagrees as a discrepancy (event, metric, endpoint), then clears it when Kite agrees again', async () => {
    await reconciler.reconcile();
    expect(await metric(/^robo_broker_discrepancies\{broker="kite"\} 0$/)).toBeDefined();
    server.offsetPosition('INFY', 5);
    await reconciler.reconcile();
    const found = (await stream('broker-kite')).filter((e) => e.type === 'PositionDiscrepancyFound');
    expect(found).toHaveLength(1);
    expect(found[0].metadata.actor).toBe(RECONCILER);
    expect(found[0].data).toMatchObject({ broker: 'kite', instrument: 'INFY', brokerQuantity: 15, ourQuantity: 10 });
    expect(await metric(/^robo_broker_discrepancies\{broker="kite"\} 1$/)).toBeDefined();
    const open = (await reconciliationView());
    expect(open.openDiscrepancies).toEqual([{ tradingDay: '2026-11-20', instrument: 'INFY', brokerQuantity: 15, ourQuantity: 10, since: found[0].data.seenAt }]);
    expect(open.lastPassAppended.discrepancy_found).toBe(1);
    await reconciler.reconcile();
    expect((await stream('broker-kite')).filter((e) => e.type === 'PositionDiscrepancyFound')).toHaveLength(1);

    server.offsetPosition('INFY', 0);
    await reconciler.reconcile();
    const cleared = (await stream('broker-kite')).filter((e) => e.type === 'PositionDiscrepancyCleared');
    expect(cleared.map((e) => [e.data.instrument, e.data.quantity, e.metadata.actor])).toEqual([['INFY', 10, RECONCILER]]);
    expect(await metric(/^robo_broker_discrepancies\{broker="kite"\} 0$/)).toBeDefined();
    expect((await reconciliationView()).openDiscrepancies).toEqual([]);
  });

  it('is for operators: a trader is refused', async () => {
    const trader = await t.createKey('trader');
    await t.as(trader.token).get('/api/brokers/kite/reconciliation').expect(403);
  });
});

/**
 * A crash between Kite accepting an order and our event being written: the api (a child process) places an order,
 * Kite accepts it but the answer never arrives and no ticker frame tells of it, and the process is killed. The next
 * start finds the order by its tag and completes it onto our order; it is never placed twice.
 */
describe('a crash between the broker accepting an order and the event (local Kite server)', () => {
  let server: KiteServer;
  const started = Date.now();
  let dataDir: string;

  beforeAll(async () => {
    // Kite's clock runs with the api's business clock (which starts at the market's open).
    server = await KiteServer.start({ apiKey: 'robokey', apiSecret: 'robosecret', accessToken: 'daytoken', now: () => new Date(Date.parse(MARKET_OPEN_INSTANT) + Date.now() - started) });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-kite-crash-'));
  });
  afterAll(async () => {
    await server.close();
  });
  /** Where business time stands in the log: a restart's clock starts there (time never runs backwards). */
  const lastBusinessTime = async (): Promise<string | null> => {
    const events = SqliteEventStore.open({ file: path.join(dataDir, 'events.db') });
    try {
      return await latestBusinessTime(events);
    } finally {
      await events.close();
    }
  };

  it('completes the order found by its tag at the next start (actor system:reconciler), places it once, and records a fill made while the api was down', async () => {
    const child = new ChildApp(dataDir, await freePort(), { ...KITE_ENV, KITE_ROOT: server.root, KITE_TICKER_ROOT: server.tickerRoot });
    await child.start();
    const adminKey = child.bootstrapKey();
    const admin = await bearer(child.url, adminKey);
    const { accountId } = (await api(child.url, 'POST', '/api/accounts', { name: 'Kite crash', initialCashPaise: 100_000_000 }, admin)).body;
    expect((await api(child.url, 'POST', `/api/accounts/${accountId}/broker`, { broker: 'kite' }, admin)).status).toBe(200);
    server.holdPlaceAnswers(1);
    server.muteOrderFrames(true);
    const placed = await api(child.url, 'POST', '/api/orders', buyBody(accountId), admin);
    expect(placed.status).toBe(201);
    const orderId = placed.body.orderId as string;
    await server.placeAnswerHeld();
    await child.kill();
    server.muteOrderFrames(false);

    const atKite = server.orderByTag(kiteTagOf(orderId));
    expect(atKite).toMatchObject({ status: 'OPEN' });
    const crashed = SqliteEventStore.open({ file: path.join(dataDir, 'events.db') });
    expect((await crashed.readStream(`order-${orderId}`)).map((e) => e.type)).toEqual(['OrderPlaced', 'OrderAccepted']);
    await crashed.close();

    const t = await startTestApp({ ...KITE_ENV, KITE_ROOT: server.root, KITE_TICKER_ROOT: server.tickerRoot, DATA_DIR: dataDir, CLOCK_START: (await lastBusinessTime()) as string });
    try {
      const store = t.app.get<EventStore>(EVENT_STORE);
      await t.app.get(KiteReconcilerService).reconcile();
      const read = async () => store.readStream(`order-${orderId}`);
      for (;;) {
        const head = await store.headPosition();
        if ((await read()).some((e) => e.type === 'BrokerOrderUpdated')) break;
        await store.waitForEventsAfter(head, { timeoutMs: 60_000 });
      }
      const events = await read();
      const routed = events.filter((e) => e.type === 'OrderRouted');
      expect(routed).toHaveLength(1);
      expect(routed[0].data).toMatchObject({ orderId, broker: 'kite', brokerOrderId: atKite?.order_id });
      expect(routed[0].metadata.actor).toBe(RECONCILER);
      const update = events.find((e) => e.type === 'BrokerOrderUpdated');
      expect(update?.data).toMatchObject({ brokerStatus: 'OPEN', channel: 'reconciler' });
      expect(update?.metadata.actor).toBe(RECONCILER);
      // Placed once: one order at Kite with its tag, and one place request in all.
      expect(server.allOrders().filter((o) => o.tag === kiteTagOf(orderId))).toHaveLength(1);
      expect(server.requests.filter((r) => r.startsWith('POST /orders/'))).toHaveLength(1);
    } finally {
      await t.close();
    }

    // Down again; the order fills meanwhile. Its routing is behind the router's checkpoint now: only the pass at
    // the next start, which takes our orders at Kite back by their tag, can record the fill.
    const trade = server.fill(String(atKite?.order_id), 10, 1500);
    const again = await startTestApp({ ...KITE_ENV, KITE_ROOT: server.root, KITE_TICKER_ROOT: server.tickerRoot, DATA_DIR: dataDir, CLOCK_START: (await lastBusinessTime()) as string });
    try {
      const store = again.app.get<EventStore>(EVENT_STORE);
      await again.app.get(KiteReconcilerService).reconcile();
      const filled = (await store.readStream(`order-${orderId}`)).filter((e) => e.type === 'OrderFilled');
      expect(filled.map((e) => [e.data, e.metadata.actor])).toEqual([[expect.objectContaining({ fillId: trade.trade_id, quantity: 10 }), RECONCILER]]);
    } finally {
      await again.close();
    }
  });
});

describe('periodic reconciliation passes (KITE_RECONCILE_SECONDS)', () => {
  it('runs a pass every KITE_RECONCILE_SECONDS without being asked, counted in robo_broker_reconciliation_runs_total', async () => {
    const server = await KiteServer.start({ apiKey: 'robokey', apiSecret: 'robosecret', accessToken: 'daytoken' });
    const t = await startTestApp({ ...KITE_ENV, KITE_RECONCILE_SECONDS: '1', KITE_ROOT: server.root, KITE_TICKER_ROOT: server.tickerRoot });
    try {
      const reconciler = t.app.get(KiteReconcilerService);
      // Two passes after this point: the one at start may be one of them, the other is periodic (no reconnection here).
      await new Promise<void>((resolve) => {
        let seen = 0;
        const off = reconciler.onPass(() => {
          if (++seen < 2) return;
          off();
          resolve();
        });
      });
      const view = (await t.api.get('/api/brokers/kite/reconciliation').expect(200)).body;
      expect(view).toMatchObject({ intervalSeconds: 1, failedPasses: 0, lastError: null });
      expect(view.passes).toBeGreaterThanOrEqual(2);
      const metrics = (await t.api.get('/metrics').expect(200)).text as string;
      expect(metrics).toMatch(/^robo_broker_reconciliation_runs_total\{broker="kite",outcome="ok"\} ([2-9]|\d\d+)$/m);
    } finally {
      await t.close();
      await server.close();
    }
  });
});
