import { randomUUID } from 'node:crypto';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { ALL_PROJECTIONS, AUDIT_COLLECTION, type ReadModelStore } from '@robo/read-models';
import { loadConfig, openReadStore } from '@robo/runtime';
import { runCli } from '../../cli/src/cli';
import { ProjectorService } from '@robo/projector';
import { openAccount, placeOrder } from './auth-fixtures';
import { startTestApp, TestApp } from './test-app';

/** `robo projections ...` in process, on the data directory of a running api (as an operator would). */
async function robo(dataDir: string, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['projections', ...args], { out: (t) => out.push(t), err: (t) => err.push(t), env: { DATA_DIR: dataDir, LOG_LEVEL: 'silent' } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('robo projections (CLI) next to a running api', () => {
  let t: TestApp;
  let store: EventStore;
  let order: string;
  let poisonId: string;

  beforeAll(async () => {
    t = await startTestApp();
    store = t.app.get(EVENT_STORE);
    const trader = await t.createKey('trader');
    const account = await openAccount(t, trader, 'cli');
    order = await placeOrder(t, trader, account);
    const bad = {
      type: 'OrderModified',
      data: { orderId: order, accountId: account, quantity: 'lots', limitPricePaise: 45_000, triggerPricePaise: null, reservedPaise: 0 },
      metadata: { eventId: randomUUID(), correlationId: randomUUID(), causationId: null, actor: 'user:test', occurredAt: '2026-11-20T04:31:00.000Z', schemaVersion: 1 },
    };
    poisonId = `orders:${(await store.append(`order-${order}`, [bad], { expectedRevision: 'any' })).lastGlobalPosition}`;
    await placeOrder(t, trader, account, { quantity: 3 });
    expect(await t.app.get(ProjectorService).runner.waitForPosition(await store.headPosition(), 5000)).toBe(true);
  }, 30_000);
  afterAll(async () => t.close());

  it('status --json: checkpoint, head, lag and parked per projection', async () => {
    const res = await robo(t.dataDir, ['status', '--json']);
    expect(res.code).toBe(0);
    const head = Number(await store.headPosition());
    const orders = JSON.parse(res.out).find((p: { name: string }) => p.name === 'orders');
    expect(orders).toMatchObject({ name: 'orders', checkpoint: head, head, lagEvents: 0, caughtUp: true, parked: 1 });
    expect((await robo(t.dataDir, ['status'])).out).toMatch(/^orders\s+\d+\s+\d+\s+0\s+0\.0\s+yes\s+1$/m);
  });

  it('dead-letters --json lists the parked event; retry <id> fails again (exit 1); --all needs --projection', async () => {
    const list = await robo(t.dataDir, ['dead-letters', '--projection', 'orders', '--json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.out)).toEqual([expect.objectContaining({ id: poisonId, eventType: 'OrderModified', stream: `order-${order}`, attempts: 1 })]);
    const retry = await robo(t.dataDir, ['dead-letters', 'retry', poisonId, '--json']);
    expect(retry.code).toBe(1);
    expect(JSON.parse(retry.out)).toMatchObject({ projection: 'orders', resolved: [], stillParked: [{ id: poisonId, attempts: 2 }] });
    const all = await robo(t.dataDir, ['dead-letters', '--projection', 'orders', '--all', '--json']);
    expect(all.code).toBe(0);
    expect(JSON.parse(all.out).stillParked).toHaveLength(1);
    expect((await robo(t.dataDir, ['dead-letters', '--all'])).code).toBe(64);
    expect((await robo(t.dataDir, ['dead-letters', 'retry', 'orders:999999'])).code).toBe(1);
  });

  it('verify --json compares without swapping; rebuild --json swaps while the api keeps serving and projecting', async () => {
    const verify = await robo(t.dataDir, ['verify', 'orders', '--json']);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.out)).toMatchObject({ projection: 'orders', matched: true, swapped: false, collections: [{ name: 'orders', firstDifferences: [] }] });
    const rebuild = await robo(t.dataDir, ['rebuild', 'orders', '--json']);
    expect(rebuild.code).toBe(0);
    const result = JSON.parse(rebuild.out);
    expect(result).toMatchObject({ projection: 'orders', matched: true, swapped: true });
    expect(result.collections[0].liveCount).toBe(result.collections[0].shadowCount);
    expect((await t.api.get(`/api/orders/${order}`)).body).toMatchObject({ orderId: order, quantity: 100 });
    // The api's live loop continues on the swapped copy.
    const trader = await t.createKey('trader');
    const account = await openAccount(t, trader, 'after the swap');
    const later = await placeOrder(t, trader, account, { quantity: 9 });
    expect(await t.app.get(ProjectorService).runner.waitForPosition(await store.headPosition(), 5000)).toBe(true);
    expect((await t.api.get(`/api/orders/${later}`)).body).toMatchObject({ orderId: later, quantity: 9 });
    expect((await robo(t.dataDir, ['verify', 'nope'])).code).toBe(64);
  });
});

async function checksums(reads: ReadModelStore): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const p of ALL_PROJECTIONS) for (const c of p.collections) sums[c.name] = (await reads.checksum(c.name)).sha256;
  return sums;
}

describe('robo projections rebuild-all (offline, in place)', () => {
  it('is refused while an api projects over the data directory; once it is stopped, rebuilds every projection to the same documents', async () => {
    const t = await startTestApp();
    let store: EventStore;
    let head: bigint;
    try {
      store = t.app.get(EVENT_STORE);
      const trader = await t.createKey('trader');
      const account = await openAccount(t, trader, 'rebuild-all');
      await placeOrder(t, trader, account);
      await placeOrder(t, trader, account, { quantity: 7 });
      head = await store.headPosition();
      expect(await t.app.get(ProjectorService).runner.waitForPosition(head, 5000)).toBe(true);
      const refused = await robo(t.dataDir, ['rebuild-all']);
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(/a projector is running over these stores \(lease held by [^)]+\)/);
    } finally {
      await t.close();
    }
    const config = loadConfig({ DATA_DIR: t.dataDir, LOG_LEVEL: 'silent' });
    let reads = await openReadStore(config);
    const before = await checksums(reads);
    const auditRows = await reads.count(AUDIT_COLLECTION.name);
    // Damage both files, so that only a rebuild from the log gives the documents back.
    const [anOrder] = (await reads.find<{ orderId: string }>('orders', { orderBy: { field: 'seq', direction: 'asc' }, limit: 1 })).items;
    await reads.commit('orders', [{ collection: 'orders', id: anOrder!.orderId, doc: { tampered: true } }], head!);
    await reads.reset('audit', [AUDIT_COLLECTION.name]);
    expect(await checksums(reads)).not.toEqual(before);
    await reads.close();
    expect(auditRows).toBe(Number(head));

    const rebuilt = await robo(t.dataDir, ['rebuild-all', '--json']);
    expect(rebuilt.code).toBe(0);
    expect(JSON.parse(rebuilt.out)).toMatchObject({ position: Number(head), inWorkerThreads: ['audit'], projections: ALL_PROJECTIONS.map((p) => p.name) });
    reads = await openReadStore(config);
    try {
      expect(await checksums(reads)).toEqual(before);
      for (const p of ALL_PROJECTIONS) expect(await reads.getCheckpoint(p.name)).toBe(head);
      // The lease was given back: a projector starting now takes it at once.
      expect(await reads.acquireLease('projector', 'next/1/x', { ttlMs: 1000, nowMs: Date.now() })).toMatchObject({ held: true });
    } finally {
      await reads.close();
    }
    expect((await robo(t.dataDir, ['rebuild-all'])).code).toBe(1);
  });
});
