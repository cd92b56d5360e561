import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteEventStore, StoreUnavailableError, type EventEnvelope, type EventStore, type ReadAllOptions } from '@robo/event-store';
import type { Doc, Projection } from '../projection';
import { ALL_PROJECTIONS, type AccountDoc, type AuditDoc, type LastPriceDoc, type OrderDoc, type PositionDoc } from '../projections';
import { SqliteReadModelStore } from '../sqlite/sqlite-read-model-store';
import { appendScenario, tradingScenario } from '../testing/trading-scenario';
import { appliedLog, checksums, eventually } from './runner.fixture';
import { ProjectionRunner, type ProjectionStatus } from './projection-runner';

let dir: string;
let n = 0;
const opened: { close(): Promise<void> }[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-runner-'));
});
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function openStores(name = `case-${++n}`) {
  const eventStore = SqliteEventStore.open({ file: path.join(dir, `${name}-events.db`), pollIntervalMs: 10 });
  const readStore = SqliteReadModelStore.open({ file: path.join(dir, `${name}-reads.db`) });
  opened.push(readStore, eventStore);
  return { eventStore, readStore, name };
}



describe('ProjectionRunner (SQLite event store + SQLite read store)', () => {
  it('projects a trading morning appended in order into the expected documents', async () => {
    const { eventStore, readStore } = openStores();
    const head = await appendScenario(eventStore, tradingScenario(), randomUUID);
    const runner = new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS, batchSize: 3 });
    for (const p of ALL_PROJECTIONS) expect((await runner.runOnce(p.name)).checkpoint).toBe(head);

    const o1 = await readStore.get<OrderDoc>('orders', 'o1');
    // 4 x 249950 + 6 x 250000 = 2499800 over 10 units
    expect(o1).toMatchObject({ status: 'FILLED', filledQuantity: 10, remainingQuantity: 0, filledValuePaise: 2499800, averageFillPricePaise: 249980, feesPaise: 3500 });
    expect((await readStore.get<OrderDoc>('orders', 'o3'))?.status).toBe('CANCELLED');
    const newestFirst = await readStore.find<OrderDoc>('orders', { where: { accountId: 'a1' }, orderBy: { field: 'seq', direction: 'desc' }, limit: 2 });
    expect(newestFirst.items.map((o) => o.orderId)).toEqual(['o3', 'o2']);

    expect(await readStore.get<PositionDoc>('positions', 'a1|RELIANCE')).toMatchObject({
      quantity: 6,
      costBasisPaise: 1499880,
      realizedGrossPaise: 4080,
      realizedNetPaise: 880,
      // 1500 + 2000 + 1800
      feesPaise: 5300,
      status: 'OPEN',
    });
    // Fills are not market prices: without a recorded feed there is none.
    expect(await readStore.get<LastPriceDoc>('last_prices', 'RELIANCE')).toBeNull();
    expect(await readStore.get<AccountDoc>('accounts', 'a1')).toMatchObject({
      // 100000000 - 1001300 - 1502000 + 1002200
      cashPaise: 98498900,
      // 2500000 - 1000000 - 1500000 + 750000 - 750000
      reservedPaise: 0,
      buyingPowerPaise: 98498900,
      realizedNetPaise: 880,
      feesPaise: 5300,
      fillsCount: 3,
    });
    expect(await readStore.count('audit')).toBe(tradingScenario().length);
    const trail = await readStore.find<AuditDoc>('audit', { where: { streamName: 'order-o1' }, orderBy: { field: 'position', direction: 'asc' }, limit: 10 });
    expect(trail.items.map((a) => a.type)).toEqual(['OrderPlaced', 'OrderAccepted', 'OrderPartiallyFilled', 'OrderFilled']);
  });

  it('continues from its checkpoint after a restart without applying any event twice', async () => {
    const scenario = tradingScenario();
    const first = openStores('restart');
    await appendScenario(first.eventStore, scenario.slice(0, 8), randomUUID);
    const before = new ProjectionRunner({ eventStore: first.eventStore, readStore: first.readStore, projections: [...ALL_PROJECTIONS, appliedLog], batchSize: 3 });
    for (const name of ['accounts', 'applied_log']) await before.runOnce(name);
    expect(await first.readStore.getCheckpoint('applied_log')).toBe(8n);
    await first.readStore.close();
    await first.eventStore.close();

    // A new process: the same files, fresh store handles, a fresh runner.
    const eventStore = SqliteEventStore.open({ file: path.join(dir, 'restart-events.db') });
    const readStore = SqliteReadModelStore.open({ file: path.join(dir, 'restart-reads.db') });
    opened.push(readStore, eventStore);
    const head = await appendScenario(eventStore, scenario.slice(8), randomUUID);
    const after = new ProjectionRunner({ eventStore, readStore, projections: [...ALL_PROJECTIONS, appliedLog], batchSize: 3 });
    // 20 events, 8 done before the restart
    expect(await after.runOnce('applied_log')).toEqual({ events: 12, checkpoint: head });
    await after.runOnce('accounts');

    const all = await eventStore.readAll({ maxCount: 1000 });
    const byStream = new Map<string, number[]>();
    for (const e of all) byStream.set(e.streamName, [...(byStream.get(e.streamName) ?? []), Number(e.globalPosition)]);
    for (const [stream, positions] of byStream) expect(await readStore.get('applied', stream)).toEqual({ positions });
    expect((await readStore.get<AccountDoc>('accounts', 'a1'))?.cashPaise).toBe(98498900);
  });

  it('gives the same checksums from a rebuild as from the incremental run', async () => {
    const { eventStore, readStore } = openStores();
    const scenario = tradingScenario();
    const incremental = new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS, batchSize: 2 });
    // Append in uneven chunks and catch up after each, as a live projector would.
    for (const [from, to] of [
      [0, 3],
      [3, 4],
      [4, 11],
      [11, 20],
    ] as const) {
      await appendScenario(eventStore, scenario.slice(from, to), randomUUID);
      for (const p of ALL_PROJECTIONS) await incremental.runOnce(p.name);
    }
    const live = await checksums(readStore, ALL_PROJECTIONS);
    expect(live.orders.count).toBe(3);
    expect(live.audit.count).toBe(20);

    const rebuilder = new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS, batchSize: 500 });
    for (const p of ALL_PROJECTIONS) expect(await rebuilder.rebuild(p.name)).toEqual({ events: 20, checkpoint: 20n });
    expect(await checksums(readStore, ALL_PROJECTIONS)).toEqual(live);
  });

  it('runs live: picks up appends, reports status, answers waitForPosition, stops cleanly', async () => {
    const { eventStore, readStore } = openStores();
    const runner = new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS, batchSize: 4, idleWaitMs: 200 });
    runner.start();
    try {
      const head = await appendScenario(eventStore, tradingScenario(), randomUUID);
      expect(await runner.waitForPosition(head, 5000)).toBe(true);
      expect((await readStore.get<AccountDoc>('accounts', 'a1'))?.cashPaise).toBe(98498900);
      const status = await runner.status();
      expect(status.map((s) => s.name)).toEqual(ALL_PROJECTIONS.map((p) => p.name));
      for (const s of status) {
        expect(s).toMatchObject<Partial<ProjectionStatus>>({ checkpoint: head, head, lagEvents: 0n, lagSeconds: 0, caughtUp: true, running: true, lastError: null });
        expect(s.eventsPerSecond).toBeGreaterThan(0);
      }
      expect(await runner.waitForPosition(head + 1n, 100, ['orders'])).toBe(false);
    } finally {
      await runner.stop();
    }
    expect((await runner.status()).every((s) => !s.running)).toBe(true);
    // Stopped: a new append is not projected.
    const next = await appendScenario(eventStore, [{ streamName: 'account-a1', event: { type: 'FundsDeposited', data: { accountId: 'a1', amountPaise: 100 } }, occurredAt: '2026-01-05T11:00:00+05:30' }], randomUUID);
    expect(await runner.waitForPosition(next, 150)).toBe(false);
    expect((await runner.status()).find((s) => s.name === 'accounts')).toMatchObject({ lagEvents: 1n, caughtUp: false });
  });

  it('reports lag in bytes, not events, over a store whose positions are byte offsets', async () => {
    const { eventStore: inner, readStore } = openStores();
    // The real store, saying what EventStoreDB says of its positions.
    const eventStore: EventStore = Object.assign(Object.create(inner) as EventStore, { positionUnit: 'bytes' as const });
    const head = await appendScenario(inner, tradingScenario(), randomUUID);
    const runner = new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS, batchSize: 4 });
    const accounts = (await runner.status()).find((s) => s.name === 'accounts');
    expect(accounts).toMatchObject({ head, lagEvents: null, lagBytes: head, caughtUp: false });
    expect((await new ProjectionRunner({ eventStore: inner, readStore, projections: ALL_PROJECTIONS }).status())[0]).toMatchObject({ lagEvents: head, lagBytes: null });
  });

  it('records an unavailable event store as lastError, backs off, and catches up once it returns', async () => {
    const { eventStore, readStore } = openStores();
    const head = await appendScenario(eventStore, tradingScenario(), randomUUID);
    const flaky = new FlakyReads(eventStore, 3);
    const runner = new ProjectionRunner({ eventStore: flaky, readStore, projections: [ALL_PROJECTIONS[3]!], retry: { initialMs: 20, maxMs: 40 } });
    const seen: (ProjectionStatus['lastError'] | null)[] = [];
    runner.start();
    try {
      await eventually(5000, 'a recorded failure', async () => {
        const [s] = await runner.status();
        if (s!.lastError) seen.push(s!.lastError);
        return s!.lastError !== null;
      });
      expect(seen[0]).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect(await runner.waitForPosition(head, 5000)).toBe(true);
      const [s] = await runner.status();
      expect(s).toMatchObject({ lastError: null, caughtUp: true });
      expect(flaky.failures).toBe(3);
      expect((await readStore.get<AccountDoc>('accounts', 'a1'))?.cashPaise).toBe(98498900);
    } finally {
      await runner.stop();
    }
  });

  it('parks the events a projection cannot apply, keeps the rest and the checkpoint moving, and applies them on retry', async () => {
    const { eventStore, readStore } = openStores();
    const head = await appendScenario(eventStore, tradingScenario(), randomUUID);
    let poisoned = true;
    const orders = ALL_PROJECTIONS[0]!;
    const fragile: Projection = {
      ...orders,
      apply: (ref, doc, event: EventEnvelope): Doc | null => {
        if (poisoned && event.type === 'OrderCancelled') throw new Error('cannot project a cancellation today');
        return orders.apply(ref, doc, event);
      },
    };
    const runner = new ProjectionRunner({ eventStore, readStore, projections: [fragile], batchSize: 5, retry: { initialMs: 10, maxMs: 20 } });
    runner.start();
    try {
      expect(await runner.waitForPosition(head, 5000)).toBe(true);
      const [status] = await runner.status();
      expect(status).toMatchObject({ checkpoint: head, caughtUp: true, lastError: null, parked: 1, lastParkedError: { message: 'Error: cannot project a cancellation today' } });
      // OrderCancelled (event 19) is parked; o3 keeps what came before it, o2 is untouched.
      expect((await readStore.get<OrderDoc>('orders', 'o2'))?.status).toBe('FILLED');
      expect((await readStore.get<OrderDoc>('orders', 'o3'))?.status).not.toBe('CANCELLED');
      poisoned = false;
      const retried = await runner.retryDeadLetters('orders', { all: true });
      expect(retried.resolved).toEqual(['orders:19']);
      expect((await readStore.get<OrderDoc>('orders', 'o3'))?.status).toBe('CANCELLED');
      expect((await runner.status())[0]!.parked).toBe(0);
    } finally {
      await runner.stop();
    }
  });

  it('moves the checkpoint over pages with no relevant event and writes no document', async () => {
    const { eventStore, readStore } = openStores();
    const accountOnly = tradingScenario().filter((e) => e.streamName === 'account-a1');
    const head = await appendScenario(eventStore, accountOnly, randomUUID);
    const runner = new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS, batchSize: 2 });
    expect(await runner.runOnce('orders')).toEqual({ events: accountOnly.length, checkpoint: head });
    expect(await readStore.count('orders')).toBe(0);
    expect(await readStore.getCheckpoint('orders')).toBe(head);
  });

  it('rebuildMany hands the projections `workers` names to it, rebuilds the rest itself, and returns once both are done', async () => {
    const { eventStore, readStore } = openStores();
    const head = await appendScenario(eventStore, tradingScenario(), randomUUID);
    const before = await checksums(readStore, ALL_PROJECTIONS);
    await new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS }).rebuildMany();
    const expected = await checksums(readStore, ALL_PROJECTIONS);
    expect(expected).not.toEqual(before);

    // The workers: another runner over the same stores, standing in for the worker thread; it finishes last.
    const asked: string[][] = [];
    let workersDone = false;
    const workers = {
      names: ['audit', 'prices'],
      rebuild: async (names: readonly string[]) => {
        asked.push([...names]);
        await new Promise((resolve) => setTimeout(resolve, 50));
        const result = await new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS.filter((p) => names.includes(p.name)) }).rebuildMany();
        workersDone = true;
        return result;
      },
    };
    await readStore.reset('audit', ['audit']);
    const runner = new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS });
    expect(await runner.rebuildMany(undefined, { workers })).toEqual({ events: Number(head), checkpoint: head });
    expect(workersDone).toBe(true);
    expect(asked).toEqual([['prices', 'audit']]);
    expect(await checksums(readStore, ALL_PROJECTIONS)).toEqual(expected);
    expect((await runner.status()).every((s) => s.checkpoint === head)).toBe(true);

    // Only the projections asked for go elsewhere; none of them, nothing is handed over.
    asked.length = 0;
    await runner.rebuildMany(['orders'], { workers });
    expect(asked).toEqual([]);

    // A failure on either side is thrown, but only after the other side has finished.
    workersDone = false;
    const failing = { names: ['audit'], rebuild: async () => Promise.reject(Object.assign(new Error('worker lost its store'), { code: 'READ_STORE_UNAVAILABLE' })) };
    await expect(runner.rebuildMany(undefined, { workers: failing })).rejects.toMatchObject({ code: 'READ_STORE_UNAVAILABLE' });
    expect(await readStore.getCheckpoint('orders')).toBe(head);
    const slow = { names: ['audit'], rebuild: async () => workers.rebuild(['audit']) };
    const brokenHere = new ProjectionRunner({ eventStore: new FlakyReads(eventStore, 1), readStore, projections: ALL_PROJECTIONS });
    await expect(brokenHere.rebuildMany(['orders', 'audit'], { workers: slow })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(workersDone).toBe(true);
  });

  it('starting on an empty read store over a long enough log, loads it as a rebuild does, then goes on page by page', async () => {
    const { eventStore, readStore, name } = openStores();
    const scenario = tradingScenario();
    const head = await appendScenario(eventStore, scenario.slice(0, 15), randomUUID);
    const asked: string[][] = [];
    const workers = {
      names: ['audit'],
      rebuild: async (names: readonly string[]) => {
        asked.push([...names]);
        return new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS.filter((p) => names.includes(p.name)) }).rebuildMany();
      },
    };
    const runner = new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS, initialLoad: { minEvents: 15, workers }, idleWaitMs: 20 });
    runner.start();
    try {
      expect(await runner.waitForPosition(head, 5000)).toBe(true);
      expect(asked).toEqual([['audit']]);
      // Then live: later appends are projected by the loop.
      const later = await appendScenario(eventStore, scenario.slice(15), randomUUID);
      expect(await runner.waitForPosition(later, 5000)).toBe(true);
    } finally {
      await runner.stop();
    }
    expect(asked).toHaveLength(1);
    const incremental = openStores(`${name}-paged`);
    // The same documents as page-by-page projection of the same log, and the indexes are back.
    const paged = new ProjectionRunner({ eventStore, readStore: incremental.readStore, projections: ALL_PROJECTIONS });
    for (const p of ALL_PROJECTIONS) await paged.runOnce(p.name);
    expect(await checksums(readStore, ALL_PROJECTIONS)).toEqual(await checksums(incremental.readStore, ALL_PROJECTIONS));
    const raw = new Database(path.join(dir, `${name}-reads.db`), { readonly: true });
    try {
      const indexes = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix_%'").pluck().all() as string[];
      expect(indexes).toEqual(expect.arrayContaining(['ix_orders__accountId__seq', 'ix_audit__streamName__position']));
    } finally {
      raw.close();
    }

    // Not again: a store with checkpoints is caught up page by page, and a short log never loads.
    await appendScenario(eventStore, scenario.slice(0, 2), randomUUID);
    const again = new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS, initialLoad: { minEvents: 1, workers } });
    again.start();
    expect(await again.waitForPosition(await eventStore.headPosition(), 5000)).toBe(true);
    await again.stop();
    const short = openStores();
    await appendScenario(short.eventStore, scenario.slice(0, 3), randomUUID);
    const tooShort = new ProjectionRunner({ eventStore: short.eventStore, readStore: short.readStore, projections: ALL_PROJECTIONS, initialLoad: { minEvents: 4, workers } });
    tooShort.start();
    expect(await tooShort.waitForPosition(3n, 5000)).toBe(true);
    await tooShort.stop();
    expect(asked).toHaveLength(1);
  });

  it('stops an initial load when stopped, and a later start goes on from the checkpoints it reached', async () => {
    const { eventStore, readStore } = openStores();
    const head = await appendScenario(eventStore, tradingScenario(), randomUUID);
    let aborted = false;
    // The workers never finish on their own: only the stop ends it.
    const workers = {
      names: ['audit'],
      rebuild: (_names: readonly string[], signal?: AbortSignal) =>
        new Promise<never>((_resolve, reject) =>
          signal!.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('stopped'));
          }),
        ),
    };
    const runner = new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS, initialLoad: { minEvents: 1, workers } });
    runner.start();
    try {
      await eventually(5000, 'the main thread part of the load', async () => (await readStore.getCheckpoint('orders')) === head);
    } finally {
      await runner.stop();
    }
    expect(aborted).toBe(true);
    expect(await readStore.getCheckpoint('audit')).toBe(0n);
    const next = new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS });
    next.start();
    try {
      expect(await next.waitForPosition(head, 5000)).toBe(true);
    } finally {
      await next.stop();
    }
  });

  it('has the projections of workerSteps projected there, page for page with the others, and keeps their status here', async () => {
    const { eventStore, readStore } = openStores();
    const scenario = tradingScenario();
    await appendScenario(eventStore, scenario.slice(0, 12), randomUUID);
    // The workers: a runner of its own over the same stores, standing in for the worker thread.
    const other = new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS.filter((p) => p.name === 'audit') });
    const steps: string[][] = [];
    let failNext = false;
    const workerSteps = {
      names: ['audit'],
      step: async (names: readonly string[], batchSize: number) => {
        steps.push([...names]);
        if (failNext) {
          failNext = false;
          throw Object.assign(new Error('worker lost its store'), { code: 'READ_STORE_UNAVAILABLE' });
        }
        return other.stepOnce(names, batchSize);
      },
      closed: 0,
      async close() {
        this.closed += 1;
      },
    };
    const runner = new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS, workerSteps, batchSize: 5, idleWaitMs: 20, retry: { initialMs: 10 } });
    runner.start();
    try {
      const first = await eventStore.headPosition();
      expect(await runner.waitForPosition(first, 5000)).toBe(true);
      expect(steps.length).toBeGreaterThanOrEqual(3);
      expect(new Set(steps.flat())).toEqual(new Set(['audit']));
      // A failed step is recorded for the projection like a local failure, retried, and the loop goes on.
      failNext = true;
      const later = await appendScenario(eventStore, scenario.slice(12), randomUUID);
      expect(await runner.waitForPosition(later, 5000)).toBe(true);
      expect(failNext).toBe(false);
      const audit = (await runner.status()).find((s) => s.name === 'audit')!;
      expect(audit).toMatchObject({ checkpoint: later, caughtUp: true, lastError: null });
    } finally {
      await runner.stop();
    }
    expect(workerSteps.closed).toBe(1);
    const single = openStores();
    const reference = new ProjectionRunner({ eventStore, readStore: single.readStore, projections: ALL_PROJECTIONS });
    for (const p of ALL_PROJECTIONS) await reference.runOnce(p.name);
    expect(await checksums(readStore, ALL_PROJECTIONS)).toEqual(await checksums(single.readStore, ALL_PROJECTIONS));
  });

  it('refuses an unknown projection name', async () => {
    const { eventStore, readStore } = openStores();
    const runner = new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS });
    await expect(runner.runOnce('nope')).rejects.toMatchObject({ code: 'UNKNOWN_PROJECTION' });
  });
});

/** The real store, except that its first `failing` readAll calls fail as an outage would. */
class FlakyReads implements EventStore {
  failures = 0;
  constructor(
    private readonly inner: EventStore,
    private failing: number,
  ) {}
  async readAll(options?: ReadAllOptions): Promise<EventEnvelope[]> {
    if (this.failing > 0) {
      this.failing -= 1;
      this.failures += 1;
      throw new StoreUnavailableError('disk went away');
    }
    return this.inner.readAll(options);
  }
  append: EventStore['append'] = (...args) => this.inner.append(...args);
  readStream: EventStore['readStream'] = (...args) => this.inner.readStream(...args);
  get maxAppendBytes(): number {
    return this.inner.maxAppendBytes;
  }
  get positionUnit(): EventStore['positionUnit'] {
    return this.inner.positionUnit;
  }
  readEvent: EventStore['readEvent'] = (position) => this.inner.readEvent(position);
  readAllBackwards: EventStore['readAllBackwards'] = (...args) => this.inner.readAllBackwards(...args);
  subscribeToAll: EventStore['subscribeToAll'] = (...args) => this.inner.subscribeToAll(...args);
  waitForEventsAfter: EventStore['waitForEventsAfter'] = (...args) => this.inner.waitForEventsAfter(...args);
  headPosition: EventStore['headPosition'] = () => this.inner.headPosition();
  ping: EventStore['ping'] = () => this.inner.ping();
  close: EventStore['close'] = () => this.inner.close();
}
