import type { Socket } from 'socket.io-client';
import { connect, openAccount, placeOrder, registerStrategy, reportFill, subscribe } from './auth-fixtures';
import { startTestApp, TestApp, TestKey } from './test-app';

interface Update {
  room: string;
  collection: string;
  id: string;
  seq: number;
  position: number;
  changes: Record<string, unknown> | null;
}
interface Snapshot {
  ok: boolean;
  room: string;
  seq: number;
  position: number;
  documents: { collection: string; id: string; doc: Record<string, unknown> }[];
}

/** Registered on the trader's account in beforeAll (an order may carry only a strategy of its own account). */
let STRATEGY = '';

/** Resolves once `done` holds over the updates received so far (checked on every new one). */
function until(updates: Update[], socket: Socket, done: (u: Update[]) => boolean, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (done(updates)) return resolve();
    const timer = setTimeout(() => {
      socket.off('update', check);
      reject(new Error(`timed out; received ${JSON.stringify(updates)}`));
    }, ms);
    const check = () => {
      if (!done(updates)) return;
      clearTimeout(timer);
      socket.off('update', check);
      resolve();
    };
    socket.on('update', check);
  });
}

describe('live differential updates over socket.io', () => {
  let t: TestApp;
  let base: string;
  let trader: TestKey;
  let stranger: TestKey;
  let account: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    base = await t.listen();
    trader = await t.createKey('trader');
    stranger = await t.createKey('trader');
    account = await openAccount(t, trader, 'live');
    STRATEGY = await registerStrategy(t, trader, account, 'live');
    await openAccount(t, stranger, 'elsewhere');
  }, 30_000);
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await t.close();
  });

  async function client(key: TestKey): Promise<{ socket: Socket; updates: Update[] }> {
    const socket = await connect(base, key.token);
    sockets.push(socket);
    const updates: Update[] = [];
    socket.on('update', (u: Update) => updates.push(u));
    return { socket, updates };
  }

  it('pushes the changed fields of orders, positions and the account after a command, with consecutive seqs; a GET then sees them', async () => {
    const { socket, updates } = await client(trader);
    const ack = await subscribe(socket, `account:${account}`);
    expect(ack).toMatchObject({ ok: true, topic: `account:${account}`, seq: 0 });
    const orderId = await placeOrder(t, trader, account, { strategyId: STRATEGY });
    // The order's first push (the whole new document) before the fill, so the fill's push is a difference.
    await until(updates, socket, (u) => u.some((x) => x.collection === 'orders' && x.id === orderId));
    const fill = await reportFill(t, orderId, { fillId: 'L-1', quantity: 100, pricePaise: 45_000, feesPaise: 500, occurredAt: '2026-11-20T10:01:00+05:30' });
    expect(fill.status).toBe(201);
    const settled = (u: Update[]) =>
      u.some((x) => x.collection === 'orders' && x.id === orderId && x.changes?.status === 'FILLED') &&
      u.some((x) => x.collection === 'positions' && x.changes?.quantity === 100) &&
      u.some((x) => x.collection === 'accounts' && x.position >= fill.body.globalPosition);
    await until(updates, socket, settled);
    expect(updates.map((u) => u.seq)).toEqual(updates.map((_, i) => i + 1));
    expect(updates.every((u) => u.room === `account:${account}`)).toBe(true);
    // Differential: the first push of the new order has every field, later ones only what changed.
    const orderUpdates = updates.filter((u) => u.collection === 'orders');
    expect(orderUpdates[0].changes).toMatchObject({ orderId, accountId: account, instrument: 'ITC' });
    const later = orderUpdates.at(-1)!;
    expect(orderUpdates.length).toBeGreaterThan(1);
    expect(later.changes).not.toHaveProperty('instrument');
    expect(later.changes).not.toHaveProperty('accountId');
    // The account doc was known at subscription: only changed fields, never the name.
    const accountUpdates = updates.filter((u) => u.collection === 'accounts');
    for (const u of accountUpdates) expect(u.changes).not.toHaveProperty('name');
    // Pushed after the read model has it: a GET without minPosition sees the same values.
    const order = await t.as(trader.token).get(`/api/orders/${orderId}`);
    expect(order.body.status).toBe('FILLED');
    const accountNow = await t.as(trader.token).get(`/api/accounts/${account}`);
    const lastCash = [...accountUpdates].reverse().find((u) => u.changes && 'cashPaise' in u.changes)!;
    expect(accountNow.body.cashPaise).toBe(lastCash.changes!.cashPaise);
    const positions = await t.as(trader.token).get(`/api/accounts/${account}/positions`);
    expect(positions.body.positions.find((p: { instrument: string }) => p.instrument === 'ITC').quantity).toBe(100);
  });

  it('answers a snapshot after a gap, and continues from its seq', async () => {
    const { socket, updates } = await client(trader);
    expect((await subscribe(socket, `account:${account}`)).ok).toBe(true);
    await t.as(trader.token).post(`/api/accounts/${account}/deposits`).send({ amountPaise: 1_000 });
    await until(updates, socket, (u) => u.some((x) => x.collection === 'accounts'));
    // The client "lost" these messages: it asks for the room's full state.
    const snap: Snapshot = await socket.timeout(5000).emitWithAck('snapshot', { topic: `account:${account}` });
    expect(snap).toMatchObject({ ok: true, room: `account:${account}` });
    expect(snap.seq).toBeGreaterThanOrEqual(updates.at(-1)!.seq);
    const collections = new Set(snap.documents.map((d) => d.collection));
    expect([...collections].sort()).toEqual(['accounts', 'orders', 'positions']);
    const accountDoc = snap.documents.find((d) => d.collection === 'accounts')!.doc;
    expect(accountDoc).toEqual((await t.as(trader.token).get(`/api/accounts/${account}`)).body);
    const seen = updates.length;
    const deposit = await t.as(trader.token).post(`/api/accounts/${account}/deposits`).send({ amountPaise: 2_000 });
    await until(updates, socket, (u) => u.slice(seen).some((x) => x.collection === 'accounts' && x.position >= deposit.body.globalPosition));
    const next = updates.slice(seen);
    expect(next[0].seq).toBe(snap.seq + 1);
    const change = next.find((x) => x.collection === 'accounts')!.changes!;
    expect(change.cashPaise).toBe((accountDoc.cashPaise as number) + 2_000);
    expect(change).not.toHaveProperty('name');
    expect((await socket.timeout(5000).emitWithAck('snapshot', { topic: 'audit' })).code).toBe('NOT_SUBSCRIBED');
  });

  it("refuses another trader's account and strategy, and sends them nothing", async () => {
    const { socket, updates } = await client(stranger);
    const refused = await subscribe(socket, `account:${account}`);
    expect([refused.ok, refused.code]).toEqual([false, 'ACCOUNT_NOT_FOUND']);
    expect((await subscribe(socket, `strategy:${STRATEGY}`)).code).toBe('STRATEGY_NOT_FOUND');
    expect((await subscribe(socket, 'strategy:no-such')).code).toBe('STRATEGY_NOT_FOUND');
    expect((await subscribe(socket, 'audit')).code).toBe('FORBIDDEN');
    expect((await subscribe(socket, 'strategy:bad id!')).code).toBe('INVALID_TOPIC');
    expect((await socket.timeout(5000).emitWithAck('snapshot', { topic: `account:${account}` })).code).toBe('NOT_SUBSCRIBED');
    // A watcher of the same account proves a push happened while the stranger listened.
    const watcher = await client(trader);
    expect((await subscribe(watcher.socket, `account:${account}`)).ok).toBe(true);
    const deposit = await t.as(trader.token).post(`/api/accounts/${account}/deposits`).send({ amountPaise: 3_000 });
    await until(watcher.updates, watcher.socket, (u) => u.some((x) => x.position >= deposit.body.globalPosition));
    expect(updates).toEqual([]);
  });

  it("pushes a strategy's orders and daily fills to its room", async () => {
    const { socket, updates } = await client(trader);
    const ack = await subscribe(socket, `strategy:${STRATEGY}`);
    expect(ack.ok).toBe(true);
    const orderId = await placeOrder(t, trader, account, { strategyId: STRATEGY, side: 'SELL', product: 'MIS', quantity: 10 });
    await reportFill(t, orderId, { fillId: 'S-1', quantity: 10, pricePaise: 45_100, feesPaise: 0, occurredAt: '2026-11-20T10:05:00+05:30' });
    await until(updates, socket, (u) => u.some((x) => x.collection === 'strategy_days') && u.some((x) => x.collection === 'orders' && x.changes?.status === 'FILLED'));
    expect(updates.every((u) => u.room === `strategy:${STRATEGY}`)).toBe(true);
    expect(updates.map((u) => u.seq)).toEqual(updates.map((_, i) => i + 1));
    const day = updates.filter((u) => u.collection === 'strategy_days').at(-1)!;
    expect(day.id).toBe(`${STRATEGY}|2026-11-20`);
    expect(day.changes).toHaveProperty('fills');
    const perf = await t.as(trader.token).get(`/api/strategies/${STRATEGY}/performance`);
    expect(perf.status).toBe(200);
  });
  it('follows a registered strategy: its document in the snapshot, its lifecycle as differences', async () => {
    const registered = await t.as(trader.token).post('/api/strategies').send({
      accountId: account,
      kind: 'ma-crossover',
      name: 'live',
      parameters: { instrument: 'ITC', fastPeriod: 2, slowPeriod: 3 },
      instruments: ['ITC'],
      capitalAllocationPaise: 1_000_000,
    });
    expect(registered.status).toBe(201);
    const id = registered.body.strategyId as string;
    const { socket, updates } = await client(trader);
    const deadline = Date.now() + 5_000;
    let snap: Snapshot | null = null;
    expect((await subscribe(socket, `strategy:${id}`)).ok).toBe(true);
    // The read model may not have the registration yet: the snapshot is what it has.
    while (Date.now() < deadline && !snap?.documents.some((d) => d.collection === 'strategies')) {
      snap = await socket.timeout(5000).emitWithAck('snapshot', { topic: `strategy:${id}` });
    }
    expect(snap!.documents.find((d) => d.collection === 'strategies')!.doc).toMatchObject({ strategyId: id, status: 'REGISTERED' });
    const activated = await t.as(trader.token).post(`/api/strategies/${id}/activate`).send({});
    expect(activated.status).toBe(200);
    await until(updates, socket, (u) => u.some((x) => x.collection === 'strategies' && x.changes?.status !== undefined));
    const change = updates.find((x) => x.collection === 'strategies')!;
    expect(change).toMatchObject({ room: `strategy:${id}`, id, seq: snap!.seq + 1 });
    expect(change.changes).not.toHaveProperty('name');
    expect((await subscribe((await client(stranger)).socket, `strategy:${id}`)).code).toBe('STRATEGY_NOT_FOUND');
  });
});
