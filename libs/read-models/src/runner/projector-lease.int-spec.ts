import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteEventStore, type EventStore, type ReadAllOptions } from '@robo/event-store';
import { ALL_PROJECTIONS } from '../projections';
import { SqliteReadModelStore } from '../sqlite/sqlite-read-model-store';
import { appendScenario, tradingScenario } from '../testing/trading-scenario';
import { ProjectionRunner, type ProjectionStatus } from './projection-runner';
import { eventually } from './runner.fixture';

let dir: string;
let n = 0;
const opened: { close(): Promise<void> }[] = [];
const runners: ProjectionRunner[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-lease-'));
});
afterEach(async () => {
  for (const runner of runners.splice(0)) await runner.stop();
  for (const store of opened.splice(0)) await store.close().catch(() => undefined);
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** One event log and one read-model file, opened as a separate process would (its own connections). */
function files() {
  n += 1;
  return { events: path.join(dir, `case-${n}-events.db`), reads: path.join(dir, `case-${n}-reads.db`) };
}

function instance(where: { events: string; reads: string }, owner: string, lease: { ttlMs: number; holderIsGone?: (holder: string) => boolean }) {
  const eventStore = SqliteEventStore.open({ file: where.events, pollIntervalMs: 10 });
  const readStore = SqliteReadModelStore.open({ file: where.reads });
  opened.push(readStore, eventStore);
  const runner = new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS, batchSize: 4, idleWaitMs: 50, lease: { owner, ...lease } });
  runners.push(runner);
  return { eventStore, readStore, runner };
}

const first = async (runner: ProjectionRunner): Promise<ProjectionStatus> => (await runner.status())[0]!;

describe('ProjectionRunner with a projector lease', () => {
  it('runs the projections in one instance while the other stands by, and hands over at once on stop', async () => {
    const where = files();
    const scenario = tradingScenario();
    // A time to live far beyond the test's own timeout: b can only take over because a released the lease.
    const a = instance(where, 'instance-a', { ttlMs: 600_000 });
    const b = instance(where, 'instance-b', { ttlMs: 600_000 });
    await appendScenario(a.eventStore, scenario.slice(0, 10), randomUUID);
    a.runner.start();
    await eventually(5000, 'a takes the lease', async () => (await first(a.runner)).leaseHolder === 'instance-a' && !(await first(a.runner)).standby);
    b.runner.start();
    await eventually(5000, 'b sees the holder', async () => (await first(b.runner)).leaseHolder === 'instance-a');
    expect(await first(b.runner)).toMatchObject({ running: true, standby: true });
    expect(await a.runner.waitForPosition(10n, 5000)).toBe(true);
    // The standby reads the checkpoints the active instance commits.
    expect(await b.runner.waitForPosition(10n, 5000)).toBe(true);

    await a.runner.stop();
    await appendScenario(b.eventStore, scenario.slice(10), randomUUID);
    await eventually(5000, 'b takes over', async () => !(await first(b.runner)).standby);
    expect(await b.runner.waitForPosition(BigInt(scenario.length), 5000)).toBe(true);
    expect((await first(b.runner)).leaseHolder).toBe('instance-b');
  }, 20_000);

  it('takes over after the time to live when the active instance loses its store and cannot renew', async () => {
    const where = files();
    const scenario = tradingScenario();
    const a = instance(where, 'instance-a', { ttlMs: 600 });
    const b = instance(where, 'instance-b', { ttlMs: 600 });
    await appendScenario(b.eventStore, scenario.slice(0, 6), randomUUID);
    a.runner.start();
    await eventually(5000, 'a takes the lease', async () => !(await first(a.runner)).standby && (await first(a.runner)).leaseHolder === 'instance-a');
    b.runner.start();
    await eventually(5000, 'b stands by', async () => (await first(b.runner)).standby);
    expect(await b.runner.waitForPosition(6n, 5000)).toBe(true);

    await a.readStore.close();
    const lostAt = Date.now();
    await appendScenario(b.eventStore, scenario.slice(6), randomUUID);
    await eventually(5000, 'b takes over', async () => !(await first(b.runner)).standby);
    expect(Date.now() - lostAt).toBeGreaterThanOrEqual(300);
    expect(await b.runner.waitForPosition(BigInt(scenario.length), 5000)).toBe(true);
    expect(await first(a.runner)).toMatchObject({ running: true, standby: true });
  }, 20_000);

  it('takes a lease whose holder is known to be gone at once, and waits for one that is not', async () => {
    const where = files();
    const seed = SqliteReadModelStore.open({ file: where.reads });
    opened.push(seed);
    await seed.acquireLease('projector', 'host-1/4242/old', { ttlMs: 60_000, nowMs: Date.now() });

    const waiting = instance(where, 'host-1/5000/new', { ttlMs: 60_000, holderIsGone: () => false });
    waiting.runner.start();
    await eventually(5000, 'the holder is seen', async () => (await first(waiting.runner)).leaseHolder === 'host-1/4242/old');
    expect(await first(waiting.runner)).toMatchObject({ standby: true });
    await waiting.runner.stop();

    const taking = instance(where, 'host-1/5001/new', { ttlMs: 60_000, holderIsGone: (holder) => holder === 'host-1/4242/old' });
    taking.runner.start();
    await eventually(5000, 'the lease is taken over', async () => (await first(taking.runner)).leaseHolder === 'host-1/5001/new');
    expect(await first(taking.runner)).toMatchObject({ standby: false });
    expect(await seed.acquireLease('projector', 'host-1/4242/old', { ttlMs: 1000, nowMs: Date.now() })).toMatchObject({ held: false, owner: 'host-1/5001/new' });
  }, 20_000);
});

describe('ProjectionRunner page sizes', () => {
  it('rebuilds in pages of rebuildBatchSize and runs live in pages of batchSize', async () => {
    const where = files();
    const inner = SqliteEventStore.open({ file: where.events, pollIntervalMs: 10 });
    const readStore = SqliteReadModelStore.open({ file: where.reads });
    opened.push(readStore, inner);
    const asked: number[] = [];
    const eventStore: EventStore = Object.assign(Object.create(inner) as EventStore, {
      readAll: (options: ReadAllOptions) => {
        asked.push(options.maxCount ?? -1);
        return inner.readAll(options);
      },
    });
    await appendScenario(inner, tradingScenario(), randomUUID);
    const runner = new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS, batchSize: 4, rebuildBatchSize: 7 });

    expect(await runner.rebuildMany()).toMatchObject({ events: 20 });
    expect(new Set(asked)).toEqual(new Set([7]));
    asked.length = 0;
    await runner.runOnce('orders');
    expect(new Set(asked)).toEqual(new Set([4]));
    expect(() => new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS, rebuildBatchSize: 0 })).toThrow('rebuildBatchSize must be a positive integer');
  });
});
