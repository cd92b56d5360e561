import { EVENT_STORE, type EventStore } from '@robo/event-store';
import { KiteServer } from '@robo/broker-kite/testing/kite-server';
import { startTestApp, TestApp } from './test-app';

interface StreamEvent {
  type: string;
  data: Record<string, unknown>;
}

/**
 * Kite failing under the api (local Kite server): the circuit breaker after repeated failures to reach it, and the
 * day's token refused (TokenException). Both answer new orders of Kite accounts 503 before anything is recorded.
 */
describe('orders of Kite accounts while Kite fails (local Kite server)', () => {
  let server: KiteServer;
  let t: TestApp;
  let store: EventStore;

  beforeAll(async () => {
    server = await KiteServer.start({ apiKey: 'robokey', apiSecret: 'robosecret' });
    // Two failures in a row open the route; no cool-down, so every order after that probes Kite first.
    t = await startTestApp({
      KITE_API_KEY: 'robokey',
      KITE_API_SECRET: 'robosecret',
      KITE_ROOT: server.root,
      KITE_TICKER_ROOT: server.tickerRoot,
      KITE_BREAKER_FAILURES: '2',
      KITE_BREAKER_COOLDOWN_SECONDS: '0',
    });
    store = t.app.get<EventStore>(EVENT_STORE);
    await t.api.post('/api/brokers/kite/session').send({ requestToken: server.issueRequestToken() }).expect(200);
  });
  afterAll(async () => {
    await t.close();
    await server.close();
  });

  const stream = async (id: string, kind = 'order'): Promise<StreamEvent[]> => (await t.api.get(`/api/streams/${kind}-${id}/events`).expect(200)).body.events;
  /** Waits for the stream to satisfy the test, woken by each new event in the store (no sleeps). */
  const until = async (id: string, test: (events: StreamEvent[]) => boolean): Promise<StreamEvent[]> => {
    for (;;) {
      const head = await store.headPosition();
      const events = await stream(id);
      if (test(events)) return events;
      await store.waitForEventsAfter(head, { timeoutMs: 60_000 });
    }
  };
  const ended = (es: StreamEvent[]) => es.some((e) => e.type === 'OrderRouted' || e.type === 'OrderExpired');
  const kiteAccount = async (name: string): Promise<string> => {
    const { accountId } = (await t.api.post('/api/accounts').send({ name, initialCashPaise: 100_000_000 }).expect(201)).body;
    await t.api.post(`/api/accounts/${accountId}/broker`).send({ broker: 'kite' }).expect(200);
    return accountId;
  };
  const order = (accountId: string) => ({ accountId, instrument: 'INFY', side: 'BUY', quantity: 1, type: 'LIMIT', limitPricePaise: 150_000, product: 'MIS', validity: 'DAY' });
  const placed = async (accountId: string): Promise<StreamEvent[]> => {
    const { orderId } = (await t.api.post('/api/orders').send(order(accountId)).expect(201)).body;
    return until(orderId, ended);
  };
  const kiteReadiness = async () => (await t.api.get('/health/ready')).body.brokers?.kite;

  it('opens the route after repeated failures to reach Kite (503 BROKER_UNAVAILABLE, nothing recorded), says so in readiness, and closes it when Kite answers', async () => {
    const accountId = await kiteAccount('Kite outage');
    const paper = (await t.api.post('/api/accounts').send({ name: 'Paper during outage', initialCashPaise: 100_000_000 }).expect(201)).body.accountId as string;
    const first = await placed(accountId);
    const routedOrderId = String(first[0].data.orderId);
    expect(first.map((e) => e.type)).toContain('OrderRouted');
    expect(await kiteReadiness()).toEqual({ circuit: 'closed', since: null, consecutiveFailures: 0, lastError: null, session: 'connected' });

    server.setUnavailable(true);
    for (let i = 0; i < 2; i++) expect((await placed(accountId)).map((e) => e.type)).toContain('OrderExpired');
    const head = await store.headPosition();
    const refused = await t.api.post('/api/orders').send(order(accountId)).expect(503);
    expect(refused.body).toMatchObject({ code: 'BROKER_UNAVAILABLE', details: { broker: 'kite' } });
    expect(refused.body.message).toContain('Kite is not answering');
    const cancel = await t.api.post(`/api/orders/${routedOrderId}/cancel`).send({}).expect(503);
    expect(cancel.body.code).toBe('BROKER_UNAVAILABLE');
    const ready = await t.api.get('/health/ready').expect(200);
    expect(ready.body.brokers.kite).toMatchObject({ circuit: 'open', consecutiveFailures: expect.any(Number), lastError: 'NetworkException: Service unavailable', session: 'connected' });
    expect(Date.parse(ready.body.brokers.kite.since)).not.toBeNaN();
    // Nothing was recorded for the refused order and cancel; paper accounts trade on.
    expect(await store.headPosition()).toBe(head);
    expect((await stream(routedOrderId)).map((e) => e.type)).not.toContain('OrderCancelled');
    await t.api.post('/api/orders').send(order(paper)).expect(201);

    server.setUnavailable(false);
    // The next order probes Kite (GET /user/profile), which answers: the route closes and the order is placed.
    const probesBefore = server.requests.filter((r) => r === 'GET /user/profile').length;
    expect((await placed(accountId)).map((e) => e.type)).toContain('OrderRouted');
    expect(server.requests.filter((r) => r === 'GET /user/profile').length).toBeGreaterThan(probesBefore);
    expect(await kiteReadiness()).toMatchObject({ circuit: 'closed', consecutiveFailures: 0 });
  });

  it('marks the session expired on a TokenException, answers 503 BROKER_TOKEN_EXPIRED with what to do, and routes again after a new login', async () => {
    const accountId = await kiteAccount('Kite token');
    expect((await placed(accountId)).map((e) => e.type)).toContain('OrderRouted');

    // 06:00 IST: Kite stops accepting the day's token.
    server.expireToken();
    const met = await placed(accountId);
    expect(met.find((e) => e.type === 'OrderExpired')?.data.reason).toContain('TokenException');
    expect((await t.api.get('/api/brokers/kite/session').expect(200)).body.state).toBe('expired');
    const head = await store.headPosition();
    const placesBefore = server.requests.filter((r) => r === 'POST /orders/regular').length;
    const refused = await t.api.post('/api/orders').send(order(accountId)).expect(503);
    expect(refused.body.code).toBe('BROKER_TOKEN_EXPIRED');
    expect(refused.body.message).toContain('log in again (POST /api/brokers/kite/session or robo broker login kite)');
    expect((await kiteReadiness()).session).toBe('token expired: log in again (POST /api/brokers/kite/session or robo broker login kite)');
    expect(await store.headPosition()).toBe(head);
    expect(server.requests.filter((r) => r === 'POST /orders/regular').length).toBe(placesBefore);

    await t.api.post('/api/brokers/kite/session').send({ requestToken: server.issueRequestToken() }).expect(200);
    expect((await kiteReadiness()).session).toBe('connected');
    expect((await placed(accountId)).map((e) => e.type)).toContain('OrderRouted');
  });

  it('routes a burst of orders of one account through the rate limiter, backs off a 429, and places each order exactly once', async () => {
    const accountId = await kiteAccount('Kite burst');
    const first = server.requests.length;
    server.answerTooManyRequests(1);
    const ids = await Promise.all(Array.from({ length: 14 }, async () => (await t.api.post('/api/orders').send(order(accountId)).expect(201)).body.orderId as string));
    const streams = await Promise.all(ids.map((id) => until(id, ended)));
    // None lost: every order routed (none "not placed"), the 429 sent again after its backoff.
    for (const events of streams) expect(events.map((e) => e.type)).toContain('OrderRouted');
    // None placed twice: one Kite order per tag, and one accepted place per order.
    const tags = new Set(streams.map((events) => String(events.find((e) => e.type === 'OrderRouted')?.data.brokerOrderId)).map((id) => server.order(id)?.tag));
    expect(tags.size).toBe(14);
    const places = server.requests.filter((r, i) => i >= first && r === 'POST /orders/regular');
    expect(places).toHaveLength(15);
    // How the limiter spaces requests in time (10 a second, 400 a minute, 5,000 a day) is shown on a manual clock in
    // order-rate-limiter.spec.ts; arrival times at a server on the same loaded machine would make a racy assertion.
  });
});
