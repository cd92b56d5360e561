import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteEventStore } from '@robo/event-store';
import { ALL_PROJECTIONS, SqliteReadModelStore } from '@robo/read-models';
import { api, bearer, ChildApp, createKey, freePort } from './child-app';

interface Ack {
  stream: string;
  streamRevision: number;
  globalPosition: number;
}

/**
 * Runs `work` items with at most `width` in flight; failures (a killed server) are counted, successes kept.
 * `onAck` sees the number of acknowledged items as they come (used to kill the server mid-load).
 */
async function pool<T>(items: (() => Promise<T | null>)[], width: number, onAck: (count: number) => void): Promise<{ results: T[]; failed: number }> {
  const results: T[] = [];
  let failed = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const item = items[next++];
        try {
          const value = await item();
          if (value !== null) {
            results.push(value);
            onAck(results.length);
          }
        } catch {
          // connection reset or refused after the kill: not acknowledged
          failed++;
        }
      }
    }),
  );
  return { results, failed };
}

/** Projections at the head, and the head still for half a second (the settlement reactor has finished too). */
async function caughtUp(app: ChildApp, auth: Record<string, string>): Promise<number> {
  let stableSince = 0;
  let lastHead = -1;
  for (let i = 0; i < 400; i++) {
    const { body } = await api(app.url, 'GET', '/api/projections', undefined, auth);
    const projections = body.projections.filter((p: { caughtUp: boolean | null }) => p.caughtUp !== null);
    const atHead = projections.every((p: { caughtUp: boolean }) => p.caughtUp);
    if (!atHead || body.head !== lastHead) {
      stableSince = Date.now();
      lastHead = body.head;
    } else if (Date.now() - stableSince > 500) {
      return body.head;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('projections did not catch up');
}

async function checksums(file: string): Promise<Record<string, string>> {
  const store = SqliteReadModelStore.open({ file });
  try {
    const out: Record<string, string> = {};
    for (const spec of ALL_PROJECTIONS.flatMap((p) => p.collections)) {
      const { count, sha256 } = await store.checksum(spec.name);
      out[spec.name] = `${count}:${sha256}`;
    }
    return out;
  } finally {
    await store.close();
  }
}

/**
 * Kill -9 in the middle of a burst of commands, three times, then restart: every acknowledged command's events are
 * in the log, no event is there twice, and the read models equal a rebuild from scratch of the same log. The load
 * runs as a trader with an access token, which keeps working across restarts (the signing secret is in DATA_DIR).
 */
describe('crash recovery (child process, SIGKILL)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-crash-'));
  let app: ChildApp;
  const acks: Ack[] = [];

  afterAll(async () => {
    await app?.kill();
  });

  it('loses no acknowledged command and duplicates nothing across kills', async () => {
    app = new ChildApp(dataDir, await freePort());
    await app.start();
    const admin = await bearer(app.url, app.bootstrapKey());
    const trader = await bearer(app.url, (await createKey(app.url, admin, 'trader')).apiKey);
    const broker = await bearer(app.url, (await createKey(app.url, admin, 'broker')).apiKey);
    const accounts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await api(app.url, 'POST', '/api/accounts', { name: `crash-${i}`, initialCashPaise: 500_000_000 }, trader);
      expect(res.status).toBe(201);
      accounts.push(res.body.accountId);
    }

    for (let round = 0; round < 3; round++) {
      const work: (() => Promise<Ack | null>)[] = [];
      for (let i = 0; i < 240; i++) {
        const accountId = accounts[i % accounts.length];
        if (i % 3 === 0) {
          work.push(async () => {
            const res = await api(app.url, 'POST', `/api/accounts/${accountId}/deposits`, { amountPaise: 100 + i }, { ...trader, 'Idempotency-Key': `r${round}-d${i}` });
            return res.status === 201 ? { stream: `account-${accountId}`, ...res.body } : null;
          });
        } else {
          work.push(async () => {
            const placed = await api(app.url, 'POST', '/api/orders', { accountId, instrument: 'ITC', side: 'BUY', quantity: 2, type: 'LIMIT', limitPricePaise: 45_000, product: 'CNC', validity: 'DAY' }, trader);
            if (placed.status !== 201) return null;
            acks.push({ stream: `order-${placed.body.orderId}`, ...placed.body });
            const filled = await api(app.url, 'POST', `/api/orders/${placed.body.orderId}/fills`, { fillId: 'E1', quantity: 2, pricePaise: 45_000, feesPaise: 10, occurredAt: '2026-11-20T10:30:00+05:30' }, broker);
            return filled.status === 201 ? { stream: `order-${placed.body.orderId}`, ...filled.body } : null;
          });
        }
      }
      let killing: Promise<void> | null = null;
      const { results, failed } = await pool(work, 16, (count) => {
        if (count === 40 + round * 20 && killing === null) killing = app.kill();
      });
      await killing;
      // The kill landed in the middle of the load: some commands were acknowledged, others never answered.
      expect(killing).not.toBeNull();
      expect(failed).toBeGreaterThan(0);
      acks.push(...results);
      await app.start();
    }
    expect(acks.length).toBeGreaterThan(50);

    // Every acknowledged command's last event is at the revision and position it was acknowledged with.
    for (const ack of acks) {
      const res = await api(app.url, 'GET', `/api/streams/${encodeURIComponent(ack.stream)}/events?fromRevision=${ack.streamRevision}&limit=1`, undefined, trader);
      expect(res.body.events).toHaveLength(1);
      expect(res.body.events[0].streamRevision).toBe(ack.streamRevision);
    }

    await caughtUp(app, admin);
    await app.stop();
    expect(app.lastExit).toEqual({ code: 0, signal: null }); // SIGTERM is a clean stop

    const store = SqliteEventStore.open({ file: path.join(dataDir, 'events.db') });
    const all = [];
    for (let after = 0n; ; ) {
      const page = await store.readAll({ after, maxCount: 5000 });
      if (page.length === 0) break;
      all.push(...page);
      after = page[page.length - 1].globalPosition;
    }
    await store.close();
    const ids = all.map((e) => e.metadata.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    // A fill settles cash once and moves its position once, whatever the kills interrupted.
    const settled = all.filter((e) => e.type === 'CashSettled').map((e) => (e.data as { fillId: string }).fillId);
    expect(new Set(settled).size).toBe(settled.length);
    const fills = all.filter((e) => e.type === 'OrderFilled').length;
    expect(settled.length).toBe(fills);
    const positionFills = all.filter((e) => e.type.startsWith('Position')).map((e) => (e.data as { fillId: string }).fillId);
    expect(new Set(positionFills).size).toBe(fills);

    // The read models equal a rebuild from the log: drop the read-model file and let it build again.
    const readFile = path.join(dataDir, 'read-models.db');
    const live = await checksums(readFile);
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(readFile + suffix, { force: true });
    await app.start();
    const headAfterRebuild = await caughtUp(app, admin);
    await app.stop();
    expect(headAfterRebuild).toBe(Number(all[all.length - 1].globalPosition)); // the reactor's replay appended nothing
    expect(await checksums(readFile)).toEqual(live);
  }, 120_000);
});
