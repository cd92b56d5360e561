import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteReadModelStore } from './sqlite-read-model-store';

let dir: string;
let counter = 0;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-sqlite-bulk-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const nextFile = () => path.join(dir, `store-${++counter}.db`);

function indexesOf(file: string, table: string): string[] {
  const raw = new Database(file, { readonly: true });
  try {
    const rows = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name").all(table);
    return (rows as { name: string }[]).map((row) => row.name);
  } finally {
    raw.close();
  }
}

describe('SqliteReadModelStore bulk writes', () => {
  it('commits several projections in one transaction: one bad change rolls back all of them', async () => {
    const store = SqliteReadModelStore.open({ file: nextFile() });
    try {
      await store.ensureCollections([
        { name: 'a_docs', indexes: [] },
        { name: 'b_docs', indexes: [] },
      ]);
      await store.commitMany([
        { projection: 'a', changes: [{ collection: 'a_docs', id: '1', doc: { n: 1 } }], checkpoint: 5n },
        { projection: 'b', changes: [{ collection: 'b_docs', id: '1', doc: { n: 2 } }], checkpoint: 5n },
      ]);
      expect([await store.getCheckpoint('a'), await store.getCheckpoint('b')]).toEqual([5n, 5n]);

      const failing = store.commitMany([
        { projection: 'a', changes: [{ collection: 'a_docs', id: '2', doc: { n: 3 } }], checkpoint: 9n },
        { projection: 'b', changes: [{ collection: 'b_docs', id: '2', doc: { n: Number.NaN } }], checkpoint: 9n },
      ]);
      await expect(failing).rejects.toMatchObject({ code: 'INVALID_DOCUMENT' });
      expect(await store.get('a_docs', '2')).toBeNull();
      expect([await store.getCheckpoint('a'), await store.getCheckpoint('b')]).toEqual([5n, 5n]);
      // A checkpoint behind the stored one is refused for the whole batch too.
      await expect(
        store.commitMany([
          { projection: 'a', changes: [{ collection: 'a_docs', id: '3', doc: { n: 4 } }], checkpoint: 10n },
          { projection: 'b', changes: [], checkpoint: 4n },
        ]),
      ).rejects.toMatchObject({ code: 'CHECKPOINT_REGRESSION' });
      expect(await store.get('a_docs', '3')).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('uses the encoded JSON a writer hands over, stored as given', async () => {
    const store = SqliteReadModelStore.open({ file: nextFile() });
    try {
      await store.ensureCollections([{ name: 'docs', indexes: [['n']] }]);
      await store.commit('p', [{ collection: 'docs', id: 'x', doc: { n: 1, a: 'b' }, json: '{"a":"b","n":1}' }], 1n);
      expect(await store.get('docs', 'x')).toEqual({ a: 'b', n: 1 });
      expect((await store.find('docs', { where: { n: 1 }, orderBy: { field: 'n', direction: 'asc' }, limit: 10 })).items).toEqual([{ a: 'b', n: 1 }]);
    } finally {
      await store.close();
    }
  });

  it('drops secondary indexes for a bulk load, keeps the documents, and ensureCollections creates them again', async () => {
    const file = nextFile();
    const store = SqliteReadModelStore.open({ file });
    try {
      const specs = [{ name: 'orders', indexes: [['accountId', 'seq'], ['status']] }];
      await store.ensureCollections(specs);
      await store.commit('orders', [{ collection: 'orders', id: 'o1', doc: { accountId: 'a', seq: 1, status: 'OPEN' } }], 1n);
      expect(indexesOf(file, 'rm_orders')).toEqual(['ix_orders__accountId__seq', 'ix_orders__status']);

      await store.dropIndexes(['orders', 'never_created']);
      expect(indexesOf(file, 'rm_orders')).toEqual([]);
      await store.commit('orders', [{ collection: 'orders', id: 'o2', doc: { accountId: 'a', seq: 2, status: 'OPEN' } }], 2n);
      const page = await store.find('orders', { where: { accountId: 'a' }, orderBy: { field: 'seq', direction: 'asc' }, limit: 10 });
      expect(page.items.map((d) => d.seq)).toEqual([1, 2]);

      await store.ensureCollections(specs);
      expect(indexesOf(file, 'rm_orders')).toEqual(['ix_orders__accountId__seq', 'ix_orders__status']);
      expect(await store.count('orders', { status: 'OPEN' })).toBe(2);
    } finally {
      await store.close();
    }
  });
});
