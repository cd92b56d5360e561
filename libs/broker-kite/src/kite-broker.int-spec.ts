import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrokerOrder, ExecutionReport } from '@robo/paper';
import { KiteApiError, KiteBroker, KiteOrderRefused } from './kite-broker';
import { kiteTagOf } from './kite-params';
import { KiteServer } from './testing/kite-server';

/**
 * The adapter against the local Kite server, over the official client. One broker with a ticker socket for the
 * whole file: KiteTicker keeps its socket in module state (one per process).
 */
describe('KiteBroker against the local Kite server', () => {
  const apiKey = 'k1';
  const apiSecret = 's1';
  let server: KiteServer;
  let broker: KiteBroker;
  let receiver: Server;
  const postbackAnswers: number[] = [];
  const warnings: string[] = [];
  const reports: ExecutionReport[] = [];
  const waiters: { test: () => boolean; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) if (w.test()) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  /** Resolves when the reports seen so far satisfy the test (event-driven; jest's timeout is the only limit). */
  const until = (test: () => boolean) => new Promise<void>((resolve) => {
    waiters.push({ test, resolve });
    check();
  });
  const of = (orderId: string) => reports.filter((r) => r.orderId === orderId);
  const fills = (orderId: string) => of(orderId).flatMap((r) => (r.type === 'FILL' ? [[r.fillId, r.quantity, r.pricePaise]] : []));
  const statuses = (orderId: string) => of(orderId).flatMap((r) => (r.type === 'BROKER_STATUS' ? [r.status] : []));
  let seq = 0;
  const order = (over: Partial<BrokerOrder> = {}): BrokerOrder => ({
    orderId: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`,
    accountId: 'acc-1',
    instrument: 'SBIN',
    side: 'BUY',
    quantity: 10,
    orderType: 'LIMIT',
    limitPricePaise: 42_050,
    triggerPricePaise: null,
    product: 'MIS',
    validity: 'DAY',
    placedAt: new Date(Date.now() - 60_000).toISOString(),
    ...over,
  });

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        void broker.handlePostback(JSON.parse(body)).then((ok) => {
          postbackAnswers.push(ok ? 200 : 400);
          res.writeHead(ok ? 200 : 400).end();
        });
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    server = await KiteServer.start({ apiKey, apiSecret, accessToken: 'tok', postbackUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/` });
    broker = new KiteBroker({ apiKey, apiSecret, accessToken: 'tok', root: server.root, tickerRoot: server.tickerRoot, reconnectDelaysMs: [20],
      logger: { info: () => undefined, warn: (_f, message) => {
        warnings.push(message);
        check();
      } } });
    broker.onExecution((r) => {
      reports.push(r);
      check();
    });
    await broker.start();
  });

  afterAll(async () => {
    await broker.close();
    await server.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  it('places with the Kite parameters and the derived tag, and follows the broker statuses after the 200', async () => {
    const o = order({ orderType: 'SL', triggerPricePaise: 42_000, product: 'NRML', validity: 'TTL', validityTtlMinutes: 3 });
    const { brokerOrderId } = await broker.submit(o);
    expect(server.order(brokerOrderId)).toMatchObject({ tag: kiteTagOf(o.orderId), order_type: 'SL', price: 420.5, trigger_price: 420, product: 'NRML', validity: 'TTL', validity_ttl: 3, variety: 'regular' });
    await until(() => statuses(o.orderId).includes('TRIGGER PENDING'));
    expect(statuses(o.orderId)).toEqual(['PUT ORDER REQ RECEIVED', 'VALIDATION PENDING', 'OPEN PENDING', 'TRIGGER PENDING']);
    server.trigger(brokerOrderId);
    await until(() => of(o.orderId).some((r) => r.type === 'TRIGGERED'));
    expect(of(o.orderId).find((r) => r.type === 'TRIGGERED')).toMatchObject({ lastPricePaise: 42_000 });
  });

  it('reports each Kite trade once, with its trade id as the fill id, though it arrives on the ticker and as a postback', async () => {
    const o = order();
    const { brokerOrderId } = await broker.submit(o);
    const first = server.fill(brokerOrderId, 4, 420.25);
    await server.postbacksDelivered();
    await broker.idle();
    const second = server.fill(brokerOrderId, 6, 420.5);
    await until(() => statuses(o.orderId).includes('COMPLETE'));
    await server.postbacksDelivered();
    await broker.poll();
    await broker.idle();
    expect(fills(o.orderId)).toEqual([[first.trade_id, 4, 42_025], [second.trade_id, 6, 42_050]]);
    expect(postbackAnswers.length).toBeGreaterThanOrEqual(2);
    expect(postbackAnswers.every((s) => s === 200)).toBe(true);
  });

  it('refuses a postback with a bad checksum and reports nothing from it', async () => {
    const o = order();
    const { brokerOrderId } = await broker.submit(o);
    await until(() => statuses(o.orderId).includes('OPEN'));
    const before = of(o.orderId).length;
    const forged = { ...server.order(brokerOrderId), status: 'COMPLETE', filled_quantity: 10, checksum: 'ab'.repeat(32) };
    expect(await broker.handlePostback(forged)).toBe(false);
    expect(await broker.handlePostback({ ...forged, checksum: undefined })).toBe(false);
    await broker.idle();
    expect(of(o.orderId)).toHaveLength(before);
  });

  it('reports a rejection after acceptance with the broker message', async () => {
    server.rejectNextOrder('RMS:Margin Exceeds, Required:4205.00, Available:0.00');
    const o = order();
    await broker.submit(o);
    await until(() => statuses(o.orderId).includes('REJECTED'));
    expect(of(o.orderId).find((r) => r.type === 'BROKER_STATUS' && r.status === 'REJECTED')).toMatchObject({ message: 'RMS:Margin Exceeds, Required:4205.00, Available:0.00' });
  });

  it('refuses at placement what Kite refuses (nothing placed, nothing tracked)', async () => {
    const o = order({ instrument: 'NIFTY 2026-12-29 24000 CE' });
    await expect(broker.submit(o)).rejects.toBeInstanceOf(KiteOrderRefused);
    const bad = order({ quantity: 0 });
    await expect(broker.submit(bad)).rejects.toMatchObject({ errorType: 'InputException' });
    expect(server.orderByTag(kiteTagOf(bad.orderId))).toBeUndefined();
    expect(broker.brokerOrderIdOf(bad.orderId)).toBeNull();
  });

  it('modifies at Kite and reports the change', async () => {
    const o = order();
    const { brokerOrderId } = await broker.submit(o);
    await broker.modify(o.orderId, { limitPricePaise: 42_100, quantity: 12 });
    expect(server.order(brokerOrderId)).toMatchObject({ price: 421, quantity: 12, status: 'OPEN' });
    await until(() => statuses(o.orderId).includes('MODIFY PENDING'));
  });

  it('keeps the fill of a cancel that raced it', async () => {
    const o = order();
    const { brokerOrderId } = await broker.submit(o);
    server.fillBeforeNextCancel(brokerOrderId, 3, 420);
    await broker.cancel(o.orderId);
    await until(() => statuses(o.orderId).includes('CANCELLED'));
    await broker.idle();
    expect(fills(o.orderId)).toEqual([[server.allTrades().find((t) => t.order_id === brokerOrderId)?.trade_id, 3, 42_000]]);

    const done = order();
    const ack = await broker.submit(done);
    server.fillBeforeNextCancel(ack.brokerOrderId, 10, 420);
    await broker.cancel(done.orderId);
    await broker.idle();
    expect(fills(done.orderId).map((f) => f[1])).toEqual([10]);
    expect(statuses(done.orderId).at(-1)).toBe('COMPLETE');
  });

  it('reports the exchange cancelling the rest of an order after its fills, with the broker message', async () => {
    const o = order({ validity: 'IOC' });
    const { brokerOrderId } = await broker.submit(o);
    server.losePostbacks(1);
    server.fill(brokerOrderId, 2, 420);
    server.cancelByExchange(brokerOrderId, 'IOC order cancelled: unmatched quantity');
    await until(() => statuses(o.orderId).includes('CANCELLED'));
    await broker.idle();
    const kinds = of(o.orderId).map((r) => (r.type === 'BROKER_STATUS' ? r.status : r.type));
    expect(kinds.indexOf('FILL')).toBeLessThan(kinds.indexOf('CANCELLED'));
    expect(of(o.orderId).find((r) => r.type === 'BROKER_STATUS' && r.status === 'CANCELLED')).toMatchObject({ message: 'IOC order cancelled: unmatched quantity', filledQuantity: 2 });
    expect(fills(o.orderId).map((f) => f[1])).toEqual([2]);
  });

  it('after a lost place answer finds the order by its tag and never places it twice', async () => {
    const o = order();
    const posts = () => server.requests.filter((r) => r === 'POST /orders/regular').length;
    const before = posts();
    server.loseResponses(1);
    const { brokerOrderId } = await broker.submit(o);
    expect(server.order(brokerOrderId)?.tag).toBe(kiteTagOf(o.orderId));
    expect(posts() - before).toBe(1);
    expect((await broker.submit(o)).brokerOrderId).toBe(brokerOrderId);
    expect(posts() - before).toBe(1);
  });

  it('places again after a 429 once the backoff is over (Kite did nothing), and gives up after three', async () => {
    const o = order();
    const posts = () => server.requests.filter((r) => r === 'POST /orders/regular').length;
    const before = posts();
    server.answerTooManyRequests(1);
    const { brokerOrderId } = await broker.submit(o);
    expect(server.order(brokerOrderId)?.tag).toBe(kiteTagOf(o.orderId));
    expect(posts() - before).toBe(2);
    expect(server.allOrders().filter((x) => x.tag === kiteTagOf(o.orderId))).toHaveLength(1);

    const refused = order();
    server.answerTooManyRequests(3);
    const error = await broker.submit(refused).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KiteApiError);
    expect((error as KiteApiError).rateLimited).toBe(true);
    expect(server.orderByTag(kiteTagOf(refused.orderId))).toBeUndefined();
  });

  it('reconnects the ticker after a drop without the client library ending the process, and catches up what it missed', async () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation(((code?: number) => {
      throw new Error(`process.exit(${code}) called`);
    }) as never);
    try {
      const o = order();
      const { brokerOrderId } = await broker.submit(o);
      await until(() => statuses(o.orderId).includes('OPEN'));
      let reconnected = 0;
      const off = broker.onConnected(() => {
        reconnected += 1;
        check();
      });
      server.dropSockets();
      // Filled while no socket is open and its postback lost: only the catch-up after reconnecting can bring it.
      server.losePostbacks(1);
      const trade = server.fill(brokerOrderId, 5, 419.5);
      await until(() => reconnected >= 1);
      server.dropSockets();
      await until(() => reconnected >= 2);
      off();
      expect(fills(o.orderId)).toEqual([[trade.trade_id, 5, 41_950]]);
      expect(of(o.orderId).find((r) => r.type === 'FILL')).toMatchObject({ channel: 'reconciler' });
      expect(exit).not.toHaveBeenCalled();
      expect(broker.tickerConnected).toBe(true);
    } finally {
      exit.mockRestore();
    }
  });

  it('keeps trying to reconnect while the socket is refused, and never ends the process', async () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation(((code?: number) => {
      throw new Error(`process.exit(${code}) called`);
    }) as never);
    try {
      const attempts = (): number => warnings.filter((w) => w === 'ticker disconnected; reconnecting').length;
      const before = attempts();
      server.expireToken();
      await until(() => attempts() - before >= 4);
      expect(exit).not.toHaveBeenCalled();
      expect(broker.tickerConnected).toBe(false);
    } finally {
      exit.mockRestore();
    }
  });
});
