import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ALL_PROJECTIONS, AUDIT_COLLECTION, ProjectionRunner, SqliteReadModelStore, type ProjectionRunnerOptions, type ReadModelStore } from '@robo/read-models';
import { appendScenario, tradingScenario } from '@robo/read-models/testing/trading-scenario';
import { openEventStore, openReadStore, type StoreConfig } from './open-stores';
import { rebuildInWorkers, stepInWorkers } from './parallel-rebuild';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-parallel-rebuild-'));
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

let n = 0;
/** A data directory holding the trading scenario's log. */
async function dataDirWithLog(): Promise<{ config: StoreConfig; head: bigint }> {
  const dataDir = path.join(root, `data-${++n}`);
  const config: StoreConfig = { eventStore: 'sqlite', readStore: 'sqlite', dataDir, eventStoreUrl: null, mongoUrl: null };
  const events = openEventStore(config);
  try {
    return { config, head: await appendScenario(events, tradingScenario(), randomUUID) };
  } finally {
    await events.close();
  }
}

async function checksums(reads: ReadModelStore): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const p of ALL_PROJECTIONS) for (const c of p.collections) sums[c.name] = `${(await reads.checksum(c.name)).count}:${(await reads.checksum(c.name)).sha256}`;
  return sums;
}

async function rebuild(config: StoreConfig, parallel: boolean): Promise<{ result: { events: number; checkpoint: bigint }; sums: Record<string, string> }> {
  const events = openEventStore(config);
  const reads = await openReadStore(config);
  try {
    const runner = new ProjectionRunner({ eventStore: events, readStore: reads, projections: ALL_PROJECTIONS });
    const result = await runner.rebuildMany(undefined, parallel ? { workers: rebuildInWorkers(config) } : {});
    return { result, sums: await checksums(reads) };
  } finally {
    await reads.close();
    await events.close();
  }
}

describe('embedded read stores: the audit trail in audit.db, rebuilt in a worker thread', () => {
  it('rebuilds in a worker thread to the same documents as one thread does, the audit trail into its own file', async () => {
    const serial = await dataDirWithLog();
    // The same log (event ids and times included) in a second directory.
    const parallel = { config: { ...serial.config, dataDir: path.join(root, `data-${++n}`) }, head: serial.head };
    fs.mkdirSync(parallel.config.dataDir);
    for (const suffix of ['', '-wal']) {
      const file = path.join(serial.config.dataDir, `events.db${suffix}`);
      if (fs.existsSync(file)) fs.copyFileSync(file, path.join(parallel.config.dataDir, `events.db${suffix}`));
    }
    const one = await rebuild(serial.config, false);
    const two = await rebuild(parallel.config, true);
    expect(two.result).toEqual({ events: Number(parallel.head), checkpoint: parallel.head });
    expect(one.result).toEqual(two.result);
    expect(two.sums).toEqual(one.sums);
    expect(two.sums[AUDIT_COLLECTION.name]).toMatch(new RegExp(`^${tradingScenario().length}:`));

    const audit = SqliteReadModelStore.open({ file: path.join(parallel.config.dataDir, 'audit.db') });
    const main = SqliteReadModelStore.open({ file: path.join(parallel.config.dataDir, 'read-models.db') });
    try {
      expect(await audit.count(AUDIT_COLLECTION.name)).toBe(tradingScenario().length);
      expect(await audit.getCheckpoint('audit')).toBe(parallel.head);
      expect(await main.count(AUDIT_COLLECTION.name)).toBe(0);
      expect(await main.count('orders')).toBe(3);
      expect(await main.getCheckpoint('orders')).toBe(parallel.head);
    } finally {
      await audit.close();
      await main.close();
    }
  });

  it("passes on the worker's failure with its code, after the other projections are rebuilt", async () => {
    const { config, head } = await dataDirWithLog();
    await (await openReadStore(config)).close();
    // The worker cannot open audit.db: a directory stands in its place.
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(config.dataDir, `audit.db${suffix}`), { force: true });
    fs.mkdirSync(path.join(config.dataDir, 'audit.db'));
    const events = openEventStore(config);
    const main = SqliteReadModelStore.open({ file: path.join(config.dataDir, 'read-models.db') });
    try {
      await main.ensureCollections(ALL_PROJECTIONS.flatMap((p) => p.collections));
      const withAudit = new ProjectionRunner({ eventStore: events, readStore: main, projections: ALL_PROJECTIONS });
      await expect(withAudit.rebuildMany(undefined, { workers: rebuildInWorkers(config) })).rejects.toMatchObject({ code: 'READ_STORE_UNAVAILABLE' });
      expect(await main.getCheckpoint('orders')).toBe(head);
    } finally {
      await main.close();
      await events.close();
    }
  });

  /**
   * A live runner over the data directory's stores, with `options`, run until every projection is at the head (and
   * `settled` holds); then stopped, and its documents compared with a rebuild in one thread.
   */
  async function runLive(
    options: (config: StoreConfig) => Pick<ProjectionRunnerOptions, 'initialLoad' | 'workerSteps' | 'batchSize'>,
    settled: (said: readonly string[]) => boolean = () => true,
  ): Promise<string[]> {
    const { config, head } = await dataDirWithLog();
    const events = openEventStore(config);
    const reads = await openReadStore(config);
    const said: string[] = [];
    const logger = { info: (message: string) => said.push(message), warn: (message: string) => said.push(message), error: (message: string) => said.push(message) };
    const runner = new ProjectionRunner({ eventStore: events, readStore: reads, projections: ALL_PROJECTIONS, logger, ...options(config) });
    try {
      runner.start();
      expect(await runner.waitForPosition(head, 10_000)).toBe(true);
      // Until the runner has said what the case waits for, however slow the machine (the test's timeout is the guard).
      while (!settled(said)) await new Promise((resolve) => setTimeout(resolve, 20));
      await runner.stop();
      const live = await checksums(reads);
      expect((await rebuild(config, false)).sums).toEqual(live);
      return said;
    } finally {
      await runner.stop();
      await reads.close();
      await events.close();
    }
  }

  it('a projector starting on an empty read store loads the log with the audit trail in a worker thread', async () => {
    // The checkpoints reach the head before the load has made its indexes again and returned.
    const said = await runLive(
      (config) => ({ initialLoad: { minEvents: 1, workers: rebuildInWorkers(config) } }),
      (lines) => lines.includes('initial load done'),
    );
    expect(said).toEqual(expect.arrayContaining(['initial load: the read store is empty, loading the log as a rebuild does', 'initial load done']));
    expect(said).not.toContain('initial load failed; projecting page by page from the checkpoints reached');
  });

  it('a live projector steps the audit trail in a worker thread, page for page with the others here', async () => {
    let steps = 0;
    await runLive((config) => {
      const workers = stepInWorkers(config);
      return { batchSize: 4, workerSteps: { names: workers.names, step: (names, batchSize) => (steps++, workers.step(names, batchSize)), close: () => workers.close() } };
    });
    expect(steps).toBeGreaterThanOrEqual(5);
  });

  it('steps in a worker kept between steps; after close() the next step starts a new one; other names are refused', async () => {
    const { config, head } = await dataDirWithLog();
    const workers = stepInWorkers(config);
    try {
      const first = await workers.step(['audit'], 5);
      expect(first.projections.audit!.checkpoint).toBe(5n);
      await workers.close();
      await expect(workers.step(['orders'], 5)).rejects.toThrow('orders: not kept in a read-store partition');
      const second = await workers.step(['audit'], 100);
      expect(second.projections.audit!.checkpoint).toBe(head);
    } finally {
      await workers.close();
    }
  });

  it('refuses projections that no partition holds', async () => {
    const { config } = await dataDirWithLog();
    await expect(rebuildInWorkers(config).rebuild(['orders'])).rejects.toThrow('orders: not kept in a read-store partition');
  });

  it('moves an audit trail kept in read-models.db (data directories from before audit.db) out, to be projected again', async () => {
    const { config, head } = await dataDirWithLog();
    const events = openEventStore(config);
    const old = SqliteReadModelStore.open({ file: path.join(config.dataDir, 'read-models.db') });
    await old.ensureCollections(ALL_PROJECTIONS.flatMap((p) => p.collections));
    await new ProjectionRunner({ eventStore: events, readStore: old, projections: ALL_PROJECTIONS }).rebuildMany();
    expect(await old.count(AUDIT_COLLECTION.name)).toBe(tradingScenario().length);
    await old.close();

    const notices: string[] = [];
    const reads = await openReadStore(config, (message) => notices.push(message));
    try {
      expect(notices).toEqual(['moving projection audit out of read-models.db into its own file: it is projected again from the log']);
      expect(await reads.getCheckpoint('audit')).toBe(0n);
      expect(await reads.count(AUDIT_COLLECTION.name)).toBe(0);
      // The other projections stay where they were.
      expect(await reads.getCheckpoint('orders')).toBe(head);
      await new ProjectionRunner({ eventStore: events, readStore: reads, projections: ALL_PROJECTIONS }).runOnce('audit');
      expect(await reads.count(AUDIT_COLLECTION.name)).toBe(tradingScenario().length);
    } finally {
      await reads.close();
      await events.close();
    }
    const main = SqliteReadModelStore.open({ file: path.join(config.dataDir, 'read-models.db') });
    expect(await main.count(AUDIT_COLLECTION.name)).toBe(0);
    expect(await main.getCheckpoint('audit')).toBe(0n);
    await main.close();
  });
});
