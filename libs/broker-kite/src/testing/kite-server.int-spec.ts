import { createHash } from 'node:crypto';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KiteConnect, KiteTicker, type Connect } from 'kiteconnect';
import { KiteServer, postbackChecksum, type KiteOrderDoc } from './kite-server';

/** The local server spoken to by the official client (KiteConnect for REST, KiteTicker for order updates). */
describe('local Kite server, through the official kiteconnect client', () => {
  const apiKey = 'testkey';
  const apiSecret = 'testsecret';
  let server: KiteServer;
  let kc: Connect;
  let receiver: Server;
  const postbacks: Record<string, unknown>[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        postbacks.push(JSON.parse(body));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    server = await KiteServer.start({ apiKey, apiSecret, accessToken: 'day-token', postbackUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/postback` });
    kc = new KiteConnect({ api_key: apiKey, access_token: 'day-token', root: server.root });
  });

  afterAll(async () => {
    await server.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  const limitBuy = { exchange: 'NSE' as const, tradingsymbol: 'SBIN', transaction_type: 'BUY' as const, quantity: 10, product: 'MIS' as const, order_type: 'LIMIT' as const, price: 420.5, validity: 'DAY' as const, tag: 'rt0123456789abcdef' };

  it('answers the profile and margins in the {status, data} envelope', async () => {
    const profile = await kc.getProfile();
    expect(profile.user_id).toBe('AB1234');
    expect(profile.broker).toBe('ZERODHA');
    const margins = await kc.getMargins();
    expect(margins.equity?.available.cash).toBe(1_000_000);
  });

  it('refuses a wrong token with TokenException (403) and a missing X-Kite-Version with InputException', async () => {
    const wrong = new KiteConnect({ api_key: apiKey, access_token: 'nope', root: server.root });
    await expect(wrong.getProfile()).rejects.toMatchObject({ error_type: 'TokenException', status: 'error' });
    const res = await fetch(`${server.root}/user/profile`, { headers: { authorization: `token ${apiKey}:day-token` } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: 'error', error_type: 'InputException' });
  });

  it('walks a placed order through the documented statuses, then partial fills, modify and cancel', async () => {
    const { order_id } = await kc.placeOrder('regular', { ...limitBuy });
    const history = await kc.getOrderHistory(order_id);
    expect(history.map((h) => h.status)).toEqual(['PUT ORDER REQ RECEIVED', 'VALIDATION PENDING', 'OPEN PENDING', 'OPEN']);
    expect(history[3]).toMatchObject({ tag: 'rt0123456789abcdef', price: 420.5, pending_quantity: 10, filled_quantity: 0, variety: 'regular' });

    server.fill(order_id, 4, 420);
    server.fill(order_id, 2, 420.5);
    const [current] = (await kc.getOrders()).filter((o) => o.order_id === order_id);
    expect(current).toMatchObject({ status: 'OPEN', filled_quantity: 6, pending_quantity: 4, average_price: 420.17 });
    const trades = await kc.getOrderTrades(order_id);
    expect(trades.map((t) => [t.quantity, t.average_price])).toEqual([[4, 420], [2, 420.5]]);
    expect(new Set(trades.map((t) => t.trade_id)).size).toBe(2);
    expect((await kc.getTrades()).length).toBeGreaterThanOrEqual(2);
    const positions = await kc.getPositions();
    expect(positions.net.find((p) => p.tradingsymbol === 'SBIN')).toMatchObject({ quantity: 6, buy_quantity: 6 });

    await kc.modifyOrder('regular', order_id, { price: 421, quantity: 12 });
    const afterModify = await kc.getOrderHistory(order_id);
    expect(afterModify.slice(-3).map((h) => h.status)).toEqual(['MODIFY VALIDATION PENDING', 'MODIFY PENDING', 'OPEN']);
    expect(afterModify.at(-1)).toMatchObject({ price: 421, quantity: 12, pending_quantity: 6 });

    await kc.cancelOrder('regular', order_id);
    const final = (await kc.getOrderHistory(order_id)).at(-1);
    expect(final).toMatchObject({ status: 'CANCELLED', cancelled_quantity: 6, filled_quantity: 6 });
    await expect(kc.cancelOrder('regular', order_id)).rejects.toMatchObject({ error_type: 'OrderException' });
  });

  it('rejects an order after accepting it, with the RMS message in status_message', async () => {
    server.rejectNextOrder('RMS:Margin Exceeds, Required:4205.00, Available:0.00');
    const { order_id } = await kc.placeOrder('regular', { ...limitBuy, tag: 'rej1' });
    const last = (await kc.getOrderHistory(order_id)).at(-1);
    expect(last).toMatchObject({ status: 'REJECTED', status_message: 'RMS:Margin Exceeds, Required:4205.00, Available:0.00' });
  });

  it('refuses bad parameters with InputException and changes nothing', async () => {
    const before = server.allOrders().length;
    await expect(kc.placeOrder('regular', { ...limitBuy, tag: 'x'.repeat(21) })).rejects.toMatchObject({ error_type: 'InputException' });
    await expect(kc.placeOrder('regular', { ...limitBuy, order_type: 'SL', trigger_price: undefined })).rejects.toMatchObject({ error_type: 'InputException' });
    await expect(kc.placeOrder('regular', { ...limitBuy, validity: 'TTL' })).rejects.toMatchObject({ error_type: 'InputException' });
    expect(server.allOrders()).toHaveLength(before);
  });

  it('answers 429 to the next N requests without acting on them', async () => {
    const before = server.allOrders().length;
    server.answerTooManyRequests(2);
    await expect(kc.placeOrder('regular', { ...limitBuy })).rejects.toMatchObject({ error_type: 'NetworkException', message: 'Too many requests' });
    await expect(kc.getOrders()).rejects.toMatchObject({ message: 'Too many requests' });
    expect(server.allOrders()).toHaveLength(before);
    await expect(kc.getOrders()).resolves.toHaveLength(before);
  });

  it('carries out a request whose answer is lost (the client sees a NetworkException, the order exists)', async () => {
    server.loseResponses(1);
    await expect(kc.placeOrder('regular', { ...limitBuy, tag: 'lost1' })).rejects.toMatchObject({ error_type: 'NetworkException' });
    expect(server.orderByTag('lost1')?.status).toBe('OPEN');
  });

  it('fills part of an order before a cancel that races it, and refuses to cancel a completed order', async () => {
    const { order_id } = await kc.placeOrder('regular', { ...limitBuy, tag: 'race1' });
    server.fillBeforeNextCancel(order_id, 3, 420);
    await kc.cancelOrder('regular', order_id);
    expect(server.order(order_id)).toMatchObject({ status: 'CANCELLED', filled_quantity: 3, cancelled_quantity: 7 });
    const { order_id: second } = await kc.placeOrder('regular', { ...limitBuy, tag: 'race2' });
    server.fillBeforeNextCancel(second, 10, 420);
    await expect(kc.cancelOrder('regular', second)).rejects.toMatchObject({ error_type: 'OrderException' });
    expect(server.order(second)?.status).toBe('COMPLETE');
  });

  it('sends postbacks with the documented checksum for this app orders only (UPDATE on a partial fill)', async () => {
    await server.postbacksDelivered();
    postbacks.length = 0;
    const { order_id } = await kc.placeOrder('regular', { ...limitBuy, tag: 'pb1' });
    server.fill(order_id, 4, 420);
    server.fill(order_id, 6, 420);
    server.placeExternal({ exchange: 'NSE', tradingsymbol: 'INFY', transaction_type: 'SELL', order_type: 'MARKET', quantity: 1, product: 'CNC' });
    await server.postbacksDelivered();
    expect(postbacks.map((p) => [p.order_id, p.status, p.filled_quantity])).toEqual([[order_id, 'UPDATE', 4], [order_id, 'COMPLETE', 10]]);
    for (const p of postbacks) {
      const expected = createHash('sha256').update(`${p.order_id}${p.order_timestamp}${apiSecret}`).digest('hex');
      expect(p.checksum).toBe(expected);
      expect(p.checksum).toBe(postbackChecksum(String(p.order_id), String(p.order_timestamp), apiSecret));
    }
  });

  it('turns a request_token into an access token (checksum verified) and the old token stops working', async () => {
    const login = new KiteConnect({ api_key: apiKey, root: server.root });
    const bad = server.issueRequestToken();
    await expect(login.generateSession(bad, 'wrong-secret')).rejects.toMatchObject({ error_type: 'TokenException' });
    const requestToken = server.issueRequestToken();
    const session = await login.generateSession(requestToken, apiSecret);
    expect(session.access_token).toBe(server.currentAccessToken);
    await expect(login.getProfile()).resolves.toMatchObject({ user_id: 'AB1234' });
    await expect(login.generateSession(requestToken, apiSecret)).rejects.toMatchObject({ error_type: 'TokenException' });
    await expect(kc.getProfile()).rejects.toMatchObject({ error_type: 'TokenException' });
    kc.setAccessToken(session.access_token);
  });

  it('streams order updates as text frames to the ticker, including orders placed elsewhere; drops and expiry close it', async () => {
    const ticker = new KiteTicker({ api_key: apiKey, access_token: server.currentAccessToken as string, reconnect: false, root: server.tickerRoot } as never);
    const updates: KiteOrderDoc[] = [];
    const waiters: { test: () => boolean; resolve: () => void }[] = [];
    const check = () => {
      for (const w of [...waiters]) if (w.test()) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    };
    const until = (test: () => boolean) => new Promise<void>((resolve) => {
      waiters.push({ test, resolve });
      check();
    });
    ticker.on('order_update', (o: KiteOrderDoc) => {
      updates.push(o);
      check();
    });
    let disconnects = 0;
    ticker.on('disconnect', () => {
      disconnects += 1;
      check();
    });
    const connected = new Promise<void>((r) => ticker.on('connect', () => r()));
    ticker.connect();
    await connected;

    const { order_id } = await kc.placeOrder('regular', { ...limitBuy, tag: 'ws1' });
    server.fill(order_id, 5, 420);
    const external = server.placeExternal({ exchange: 'NSE', tradingsymbol: 'INFY', transaction_type: 'BUY', order_type: 'LIMIT', price: 1500, quantity: 2, product: 'CNC' });
    await until(() => updates.some((u) => u.order_id === external.order_id && u.status === 'OPEN'));
    expect(updates.filter((u) => u.order_id === order_id).map((u) => [u.status, u.filled_quantity])).toEqual([
      ['PUT ORDER REQ RECEIVED', 0], ['VALIDATION PENDING', 0], ['OPEN PENDING', 0], ['OPEN', 0], ['OPEN', 5],
    ]);
    expect(updates.find((u) => u.order_id === external.order_id)?.tag).toBeNull();

    server.dropSockets();
    await until(() => disconnects === 1);
    server.expireToken();
    await expect(kc.getOrders()).rejects.toMatchObject({ error_type: 'TokenException' });
    const refused = await new Promise<number>((resolve) => {
      const req = get(`${server.root}/?api_key=${apiKey}&access_token=whatever`, { headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
    });
    expect(refused).toBe(403);
  });
});
