import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteEventStore } from '@robo/event-store';
import { PartitionedReadModelStore } from './partitioned-read-model-store';
import { ALL_PROJECTIONS, AUDIT_COLLECTION, auditProjection } from './projections';
import { ProjectionRunner } from './runner/projection-runner';
import { SqliteReadModelStore } from './sqlite/sqlite-read-model-store';
import { readModelStoreContract } from './testing/read-model-store.contract';
import { appendScenario, tradingScenario } from './testing/trading-scenario';

let dir: string;
let counter = 0;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-partitioned-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});
const nextFile = () => path.join(dir, `store-${++counter}.db`);

// Everything the contract touches in the main store, with an empty partition merged into every list.
readModelStoreContract('partitioned (contract data in the main store)', () =>
  new PartitionedReadModelStore(SqliteReadModelStore.open({ file: nextFile() }), [
    { name: 'side', store: SqliteReadModelStore.open({ file: nextFile() }), projections: ['elsewhere'], collections: ['elsewhere_docs'] },
  ]),
);
// Everything the contract touches in the partition: the main store keeps only the leases.
readModelStoreContract('partitioned (contract data in a partition)', () =>
  new PartitionedReadModelStore(SqliteReadModelStore.open({ file: nextFile() }), [
    {
      name: 'side',
      store: SqliteReadModelStore.open({ file: nextFile() }),
      projections: ['p', 'q'],
      collections: ['items', 'other', 'not_ensured', 'bad-name', 'never_created', 'missing_collection'],
    },
  ]),
);

describe('PartitionedReadModelStore', () => {
  let mainFile: string;
  let sideFile: string;
  let store: PartitionedReadModelStore;
  const letter = (projection: string, position: bigint) => ({
    id: `${projection}:${position}`,
    projection,
    position,
    eventId: `e${position}`,
    eventType: 'Thing',
    stream: 's-1',
    streamRevision: 0n,
    docKeys: [],
    error: 'Error: boom',
    blockedBy: null,
    parkedAt: '2026-11-20T05:00:00.000Z',
    attempts: 1,
  });

  beforeEach(async () => {
    mainFile = nextFile();
    sideFile = nextFile();
    store = new PartitionedReadModelStore(SqliteReadModelStore.open({ file: mainFile }), [
      { name: 'audit', store: SqliteReadModelStore.open({ file: sideFile }), projections: ['audit'], collections: ['audit'] },
    ]);
    await store.ensureCollections([
      { name: 'orders', indexes: [['status']] },
      { name: 'audit', indexes: [['type']] },
    ]);
  });
  afterEach(async () => {
    await store.close();
  });

  /** Opens one file alone, to see what it holds. */
  async function inFile<T>(file: string, look: (alone: SqliteReadModelStore) => Promise<T>): Promise<T> {
    const alone = SqliteReadModelStore.open({ file });
    try {
      return await look(alone);
    } finally {
      await alone.close();
    }
  }

  it('keeps each projection whole in its own file: documents, checkpoint and dead letters', async () => {
    await store.commitMany([
      { projection: 'orders', changes: [{ collection: 'orders', id: 'o1', doc: { status: 'OPEN' } }], checkpoint: 5n, deadLetters: { park: [letter('orders', 4n)] } },
      { projection: 'audit', changes: [{ collection: 'audit', id: 'a1', doc: { type: 'OrderPlaced' } }], checkpoint: 7n, deadLetters: { park: [letter('audit', 6n)] } },
    ]);
    expect(await inFile(mainFile, async (s) => [await s.count('orders'), await s.count('audit'), await s.getCheckpoint('orders'), await s.getCheckpoint('audit')])).toEqual([1, 0, 5n, 0n]);
    expect(await inFile(sideFile, async (s) => [await s.count('audit'), await s.count('orders'), await s.getCheckpoint('audit'), (await s.listDeadLetters()).map((l) => l.id)])).toEqual([
      1,
      0,
      7n,
      ['audit:6'],
    ]);
    // Read through the partitioned store, every list covers both files, in the order one store would give.
    expect(await store.get('audit', 'a1')).toEqual({ type: 'OrderPlaced' });
    expect((await store.find('audit', { where: { type: 'OrderPlaced' }, orderBy: { field: 'type', direction: 'asc' }, limit: 5 })).items).toHaveLength(1);
    expect((await store.listCheckpoints()).map((c) => [c.projection, c.position])).toEqual([
      ['audit', 7n],
      ['orders', 5n],
    ]);
    expect((await store.listDeadLetters()).map((l) => l.id)).toEqual(['audit:6', 'orders:4']);
    expect((await store.listDeadLetters({ limit: 1 })).map((l) => l.id)).toEqual(['audit:6']);
    expect(await store.countDeadLetters()).toEqual({ audit: 1, orders: 1 });
  });

  it('refuses, writing nothing, a commit that would write a collection kept in another file', async () => {
    await expect(
      store.commitMany([
        { projection: 'orders', changes: [{ collection: 'orders', id: 'o1', doc: { status: 'OPEN' } }], checkpoint: 1n },
        { projection: 'audit', changes: [{ collection: 'orders', id: 'o2', doc: { status: 'OPEN' } }], checkpoint: 1n },
      ]),
    ).rejects.toMatchObject({ code: 'INVALID_QUERY', message: expect.stringContaining('cannot write orders') });
    expect(await store.count('orders')).toBe(0);
    expect(await store.getCheckpoint('orders')).toBe(0n);
    await expect(store.reset('audit', ['orders'])).rejects.toMatchObject({ code: 'INVALID_QUERY' });
    await expect(store.commitRetry('orders', [{ collection: 'audit', id: 'x', doc: {} }], {})).rejects.toMatchObject({ code: 'INVALID_QUERY' });
  });

  it('keeps shadow copies with their projection and promotes them there', async () => {
    await store.ensureCollections([{ name: 'audit__shadow', indexes: [['type']] }]);
    await store.commit('audit', [{ collection: 'audit', id: 'old', doc: { type: 'A' } }], 3n);
    await store.commit('audit__shadow', [{ collection: 'audit__shadow', id: 'new', doc: { type: 'B' } }], 3n);
    expect(await inFile(sideFile, (s) => s.count('audit__shadow'))).toBe(1);
    await store.promoteShadow({ projection: 'audit', shadowProjection: 'audit__shadow', collections: [{ live: 'audit', shadow: 'audit__shadow' }], expectedCheckpoint: 3n });
    expect(await store.get('audit', 'new')).toEqual({ type: 'B' });
    expect(await store.get('audit', 'old')).toBeNull();
    expect(await store.getCheckpoint('audit')).toBe(3n);
  });

  it('projects a trading log to the same documents as a single store does', async () => {
    const eventStore = SqliteEventStore.open({ file: nextFile() });
    const single = SqliteReadModelStore.open({ file: nextFile() });
    try {
      await appendScenario(eventStore, tradingScenario(), randomUUID);
      await new ProjectionRunner({ eventStore, readStore: store, projections: ALL_PROJECTIONS }).rebuildMany();
      await new ProjectionRunner({ eventStore, readStore: single, projections: ALL_PROJECTIONS }).rebuildMany();
      const names = ALL_PROJECTIONS.flatMap((p) => p.collections.map((c) => c.name));
      for (const name of names) expect({ name, ...(await store.checksum(name)) }).toEqual({ name, ...(await single.checksum(name)) });
      expect(await store.count(AUDIT_COLLECTION.name)).toBe(tradingScenario().length);
      // The audit trail went to its own file; the main file has no audit rows.
      expect(await inFile(sideFile, (s) => s.count(AUDIT_COLLECTION.name))).toBe(tradingScenario().length);
      expect(await inFile(mainFile, (s) => s.count(AUDIT_COLLECTION.name))).toBe(0);
      expect(await store.getCheckpoint(auditProjection.name)).toBe(await single.getCheckpoint(auditProjection.name));
    } finally {
      await single.close();
      await eventStore.close();
    }
  });

  it('refuses a name claimed by two partitions', () => {
    const a = SqliteReadModelStore.open({ file: nextFile() });
    const b = SqliteReadModelStore.open({ file: nextFile() });
    try {
      expect(
        () =>
          new PartitionedReadModelStore(a, [
            { name: 'one', store: a, projections: ['x'], collections: [] },
            { name: 'two', store: b, projections: ['x'], collections: [] },
          ]),
      ).toThrow('projection x is claimed by partitions one and two');
    } finally {
      void a.close();
      void b.close();
    }
  });
});
