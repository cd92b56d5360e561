import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteEventStore } from '@robo/event-store';
import { ReadStoreUnavailableError } from '../errors';
import { ALL_PROJECTIONS, type AccountDoc } from '../projections';
import type { DeadLetterChanges, DocChange, ProjectionCommit, ReadModelStore } from '../read-model-store.port';
import { SqliteReadModelStore } from '../sqlite/sqlite-read-model-store';
import { appendScenario, tradingScenario } from '../testing/trading-scenario';
import { appliedLog, checksums } from './runner.fixture';
import { ProjectionRunner } from './projection-runner';

let dir: string;
let n = 0;
const opened: { close(): Promise<void> }[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-shared-'));
});
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function openStores() {
  n += 1;
  const readsFile = path.join(dir, `case-${n}-reads.db`);
  const eventStore = SqliteEventStore.open({ file: path.join(dir, `case-${n}-events.db`), pollIntervalMs: 10 });
  const readStore = SqliteReadModelStore.open({ file: readsFile });
  opened.push(readStore, eventStore);
  return { eventStore, readStore, readsFile };
}



function indexNames(file: string, collection: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND name LIKE 'ix_%' ORDER BY name").all(`rm_${collection}`);
    return (rows as { name: string }[]).map((row) => row.name);
  } finally {
    db.close();
  }
}

describe('ProjectionRunner: one reader for all projections', () => {
  it('rebuilds every projection in one pass to the same checksums as the incremental run, and restores the indexes', async () => {
    const { eventStore, readStore, readsFile } = openStores();
    const scenario = tradingScenario();
    const incremental = new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS, batchSize: 2 });
    for (const [from, to] of [
      [0, 5],
      [5, 12],
      [12, 20],
    ] as const) {
      await appendScenario(eventStore, scenario.slice(from, to), randomUUID);
      for (const p of ALL_PROJECTIONS) await incremental.runOnce(p.name);
    }
    const live = await checksums(readStore, ALL_PROJECTIONS);
    const indexes = indexNames(readsFile, 'audit');
    expect(indexes.length).toBe(ALL_PROJECTIONS.find((p) => p.name === 'audit')!.collections[0]!.indexes.length);

    const rebuilder = new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS, batchSize: 3, rebuildBatchSize: 3 });
    expect(await rebuilder.rebuildMany()).toEqual({ events: 20, checkpoint: 20n });
    expect(await checksums(readStore, ALL_PROJECTIONS)).toEqual(live);
    expect(indexNames(readsFile, 'audit')).toEqual(indexes);
    for (const p of ALL_PROJECTIONS) expect(await readStore.getCheckpoint(p.name)).toBe(20n);
  });

  it('feeds projections at different checkpoints from the same pages without applying any event twice', async () => {
    const { eventStore, readStore } = openStores();
    const scenario = tradingScenario();
    await appendScenario(eventStore, scenario.slice(0, 14), randomUUID);
    const projections = [ALL_PROJECTIONS[3]!, appliedLog];
    const runner = new ProjectionRunner({ eventStore, readStore, projections, batchSize: 3, idleWaitMs: 50 });
    // accounts is at the head before the loop starts; applied_log starts from 0.
    await runner.runOnce('accounts');
    runner.start();
    try {
      const head = await appendScenario(eventStore, scenario.slice(14), randomUUID);
      expect(await runner.waitForPosition(head, 5000)).toBe(true);
    } finally {
      await runner.stop();
    }
    const all = await eventStore.readAll({ maxCount: 1000 });
    const byStream = new Map<string, number[]>();
    for (const e of all) byStream.set(e.streamName, [...(byStream.get(e.streamName) ?? []), Number(e.globalPosition)]);
    for (const [stream, positions] of byStream) expect(await readStore.get('applied', stream)).toEqual({ positions });
    expect((await readStore.get<AccountDoc>('accounts', 'a1'))?.cashPaise).toBe(98498900);
  });

  it('keeps the other projections moving while one cannot commit, and catches that one up once it can', async () => {
    const { eventStore, readStore } = openStores();
    const head = await appendScenario(eventStore, tradingScenario(), randomUUID);
    let broken = true;
    const refuse = () => Promise.reject(new ReadStoreUnavailableError('disk full'));
    // The store as it would be with a failure for one projection only: its commits fail, the others' do not.
    const store: ReadModelStore = Object.assign(Object.create(readStore) as ReadModelStore, {
      commit: (projection: string, changes: readonly DocChange[], checkpoint: bigint, deadLetters?: DeadLetterChanges) =>
        broken && projection === 'accounts' ? refuse() : readStore.commit(projection, changes, checkpoint, deadLetters),
      commitMany: (commits: readonly ProjectionCommit[]) => (broken && commits.some((c) => c.projection === 'accounts') ? refuse() : readStore.commitMany(commits)),
    });
    const runner = new ProjectionRunner({ eventStore, readStore: store, projections: [ALL_PROJECTIONS[0]!, ALL_PROJECTIONS[3]!], batchSize: 4, retry: { initialMs: 20, maxMs: 40 } });
    runner.start();
    try {
      expect(await runner.waitForPosition(head, 5000, ['orders'])).toBe(true);
      const [orders, accounts] = await runner.status();
      expect(orders).toMatchObject({ caughtUp: true, lastError: null });
      expect(accounts).toMatchObject({ caughtUp: false, lastError: { code: 'READ_STORE_UNAVAILABLE' } });
      broken = false;
      expect(await runner.waitForPosition(head, 5000, ['accounts'])).toBe(true);
      expect((await runner.status()).map((s) => [s.name, s.caughtUp, s.lastError])).toEqual([
        ['orders', true, null],
        ['accounts', true, null],
      ]);
    } finally {
      await runner.stop();
    }
    expect((await readStore.get<AccountDoc>('accounts', 'a1'))?.cashPaise).toBe(98498900);
    expect(await readStore.count('orders')).toBe(3);
  });
});
