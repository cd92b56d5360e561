import { EVENT_STORE, type EventStore } from '@robo/event-store';
import { CLOCK, type Clock } from '@robo/runtime';
import { kiteTagOf } from '@robo/broker-kite';
import { KiteServer } from '@robo/broker-kite/testing/kite-server';
import { KITE_BROKER } from '../src/brokers/broker-routing.service';
import type { KiteBroker } from '@robo/broker-kite';
import { startTestApp, TestApp } from './test-app';

interface StreamEvent {
  type: string;
  data: Record<string, unknown>;
  metadata: { actor: string };
  globalPosition: number;
}

/** Orders of a kite account go through the ordinary command path to the local Kite server, and back. */
describe('an account trading through Kite (local Kite server)', () => {
  let server: KiteServer;
  let t: TestApp;
  let clock: Clock | null = null;
  let store: EventStore;
  let base: string;

  beforeAll(async () => {
    server = await KiteServer.start({ apiKey: 'robokey', apiSecret: 'robosecret', accessToken: 'daytoken', now: () => new Date(clock ? clock.now() : Date.now()) });
    t = await startTestApp({ KITE_API_KEY: 'robokey', KITE_API_SECRET: 'robosecret', KITE_ACCESS_TOKEN: 'daytoken', KITE_ROOT: server.root, KITE_TICKER_ROOT: server.tickerRoot });
    clock = t.app.get<Clock>(CLOCK);
    store = t.app.get<EventStore>(EVENT_STORE);
    base = await t.listen();
    server.setPostbackUrl(`${base}/brokers/kite/postback`);
  });
  afterAll(async () => {
    await t.close();
    await server.close();
  });

  const stream = async (orderId: string, kind = 'order'): Promise<StreamEvent[]> => (await t.api.get(`/api/streams/${kind}-${orderId}/events`).expect(200)).body.events;
  /** Waits for the order (or account) stream to satisfy the test, woken by each new event in the store (no sleeps). */
  const until = async (id: string, test: (events: StreamEvent[]) => boolean, kind = 'order'): Promise<StreamEvent[]> => {
    for (;;) {
      const head = await store.headPosition();
      const events = await stream(id, kind);
      if (test(events)) return events;
      await store.waitForEventsAfter(head, { timeoutMs: 60_000 });
    }
  };
  const kiteAccount = async (name: string): Promise<string> => {
    const { accountId } = (await t.api.post('/api/accounts').send({ name, initialCashPaise: 100_000_000 }).expect(201)).body;
    await t.api.post(`/api/accounts/${accountId}/broker`).send({ broker: 'kite' }).expect(200);
    return accountId;
  };
  const buy = async (accountId: string, quantity = 10) =>
    (await t.api.post('/api/orders').send({ accountId, instrument: 'INFY', side: 'BUY', quantity, type: 'LIMIT', limitPricePaise: 150_000, product: 'MIS', validity: 'DAY' }).expect(201)).body.orderId as string;

  it('routes the order with its tag, records the broker id and statuses, and each Kite trade once as a fill', async () => {
    const accountId = await kiteAccount('Kite main');
    const orderId = await buy(accountId);
    const routedEvents = await until(orderId, (events) => events.some((e) => e.type === 'BrokerOrderUpdated' && e.data.brokerStatus === 'OPEN'));
    const routed = routedEvents.find((e) => e.type === 'OrderRouted');
    expect(routed?.data).toMatchObject({ broker: 'kite' });
    const brokerOrderId = String(routed?.data.brokerOrderId);
    expect(server.order(brokerOrderId)).toMatchObject({ tag: kiteTagOf(orderId), tradingsymbol: 'INFY', exchange: 'NSE', price: 1500, product: 'MIS', status: 'OPEN' });
    // A 200 from Kite only means accepted: until Kite reports executions the order is open here.
    expect((await t.api.get(`/api/orders/${orderId}`).query({ minPosition: routed!.globalPosition })).body.status).toBe('OPEN');

    const first = server.fill(brokerOrderId, 4, 1499.5);
    const second = server.fill(brokerOrderId, 6, 1500);
    const filled = await until(orderId, (events) => events.some((e) => e.type === 'OrderFilled'));
    await t.app.get<KiteBroker>(KITE_BROKER).poll();
    await t.app.get<KiteBroker>(KITE_BROKER).idle();
    const events = await stream(orderId);
    const fills = events.filter((e) => e.type === 'OrderPartiallyFilled' || e.type === 'OrderFilled');
    expect(fills.map((e) => [e.data.fillId, e.data.quantity, e.data.pricePaise])).toEqual([
      [first.trade_id, 4, 149_950],
      [second.trade_id, 6, 150_000],
    ]);
    expect(filled.find((e) => e.type === 'OrderFilled')?.metadata.actor).toBe('system:broker-kite');
    expect(events.filter((e) => e.type === 'BrokerOrderUpdated').map((e) => e.data.brokerStatus)).toContain('COMPLETE');
  });

  it('takes postbacks with a valid checksum (the same trade once) and refuses a forged one with 400, recording nothing', async () => {
    const accountId = await kiteAccount('Kite postbacks');
    const orderId = await buy(accountId);
    const routed = (await until(orderId, (es) => es.some((e) => e.type === 'OrderRouted'))).find((e) => e.type === 'OrderRouted');
    const brokerOrderId = String(routed?.data.brokerOrderId);
    server.fill(brokerOrderId, 10, 1500);
    await until(orderId, (es) => es.some((e) => e.type === 'OrderFilled'));
    await server.postbacksDelivered();
    await t.app.get<KiteBroker>(KITE_BROKER).idle();
    expect(server.postbacks.filter((p) => p.body.order_id === brokerOrderId).map((p) => [p.body.status, p.status])).toEqual([['COMPLETE', 200]]);
    const before = await stream(orderId);
    expect(before.filter((e) => e.type === 'OrderFilled' || e.type === 'OrderPartiallyFilled')).toHaveLength(1);

    const forged = await fetch(`${base}/brokers/kite/postback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...server.order(brokerOrderId), status: 'CANCELLED', checksum: '00'.repeat(32) }),
    });
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ code: 'POSTBACK_CHECKSUM_INVALID' });
    expect(await stream(orderId)).toHaveLength(before.length);
  });

  it('ends an order Kite rejected after accepting it, with the broker message, and gives its buying power back', async () => {
    const accountId = await kiteAccount('Kite rejected');
    server.rejectNextOrder('RMS:Margin Exceeds, Required:15000.00, Available:0.00');
    const orderId = await buy(accountId);
    const events = await until(orderId, (es) => es.some((e) => e.type === 'OrderExpired'));
    expect(events.find((e) => e.type === 'BrokerOrderUpdated' && e.data.brokerStatus === 'REJECTED')?.data.message).toBe('RMS:Margin Exceeds, Required:15000.00, Available:0.00');
    expect(events.find((e) => e.type === 'OrderExpired')?.data.reason).toBe('rejected by the broker: RMS:Margin Exceeds, Required:15000.00, Available:0.00');
    const account = await until(accountId, (es) => es.some((e) => e.type === 'ReservationReleased' && e.data.orderId === orderId), 'account');
    const held = account.filter((e) => e.data.orderId === orderId).reduce((sum, e) => sum + Number(e.type === 'FundsReserved' ? e.data.amountPaise : e.type === 'ReservationReleased' ? -Number(e.data.amountPaise) : 0), 0);
    expect(held).toBe(0);
  });

  it('sends a recorded cancel to Kite', async () => {
    const accountId = await kiteAccount('Kite cancel');
    const orderId = await buy(accountId);
    const routed = (await until(orderId, (es) => es.some((e) => e.type === 'OrderRouted'))).find((e) => e.type === 'OrderRouted');
    await t.api.post(`/api/orders/${orderId}/cancel`).send({ reason: 'changed my mind' }).expect(200);
    await until(orderId, (es) => es.some((e) => e.type === 'BrokerOrderUpdated' && e.data.brokerStatus === 'CANCELLED'));
    expect(server.order(String(routed?.data.brokerOrderId))?.status).toBe('CANCELLED');
  });

  it('leaves paper accounts to the paper broker: nothing of theirs reaches Kite', async () => {
    const { accountId } = (await t.api.post('/api/accounts').send({ name: 'Paper', initialCashPaise: 100_000_000 }).expect(201)).body;
    const orderId = await buy(accountId);
    // A kite order placed after it is routed; the routing follows the log in order, so the paper one was seen first.
    const later = await buy(await kiteAccount('Kite after paper'));
    await until(later, (es) => es.some((e) => e.type === 'OrderRouted'));
    expect(server.orderByTag(kiteTagOf(orderId))).toBeUndefined();
    expect((await stream(orderId)).map((e) => e.type)).toEqual(['OrderPlaced', 'OrderAccepted']);
  });
});
