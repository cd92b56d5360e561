import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeCursor, validateFindQuery } from '../support/find-query';
import { findPlan, type PlanRow, sortsTableRows } from '../testing/query-plan';
import { readModelStoreContract } from '../testing/read-model-store.contract';
import { findSql } from './sqlite-query';
import { SqliteReadModelStore } from './sqlite-read-model-store';

let dir: string;
let counter = 0;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-sqlite-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const nextFile = () => path.join(dir, `store-${++counter}.db`);

readModelStoreContract('sqlite', () => SqliteReadModelStore.open({ file: nextFile() }));

describe('SqliteReadModelStore specifics', () => {
  it('uses WAL, synchronous=NORMAL (derived data), a checkpoints table and a leases table', async () => {
    const file = nextFile();
    const store = SqliteReadModelStore.open({ file });
    await store.ensureCollections([{ name: 'orders', indexes: [['accountId', 'seq']] }]);
    expect(store.settings()).toEqual({ journalMode: 'wal', synchronous: 'NORMAL' });
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
      expect(tables).toEqual([{ name: 'checkpoints' }, { name: 'dead_letters' }, { name: 'leases' }, { name: 'rm_orders' }]);
      const indexes = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rm_orders' AND sql IS NOT NULL").all();
      expect(indexes).toEqual([{ name: 'ix_orders__accountId__seq' }]);
    } finally {
      raw.close();
      await store.close();
    }
  });

  it('drops an index the spec no longer declares, keeps the others and the documents, and leaves other tables alone', async () => {
    const file = nextFile();
    const store = SqliteReadModelStore.open({ file });
    const indexNames = (table: string) => {
      const raw = new Database(file, { readonly: true });
      try {
        const rows = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name").all(table) as { name: string }[];
        return rows.map((row) => row.name);
      } finally {
        raw.close();
      }
    };
    try {
      await store.ensureCollections([
        { name: 'orders', indexes: [['accountId', 'seq'], ['placedAt']] },
        { name: 'orders_x', indexes: [['placedAt']] },
      ]);
      await store.commit('p', [{ collection: 'orders', id: 'o-1', doc: { id: 'o-1', accountId: 'a', seq: 1, placedAt: 't' } }], 1n);
      expect(await store.find('orders', { where: { placedAt: 't' }, orderBy: { field: 'placedAt', direction: 'asc' }, limit: 10 })).toMatchObject({ items: [{ accountId: 'a' }] });

      await store.ensureCollections([{ name: 'orders', indexes: [['accountId', 'seq']] }]);

      expect(indexNames('rm_orders')).toEqual(['ix_orders__accountId__seq']);
      expect(indexNames('rm_orders_x')).toEqual(['ix_orders_x__placedAt']);
      // The same query, prepared while the index existed, still answers from the table.
      expect(await store.find('orders', { where: { placedAt: 't' }, orderBy: { field: 'placedAt', direction: 'asc' }, limit: 10 })).toMatchObject({ items: [{ id: 'o-1' }] });
    } finally {
      await store.close();
    }
  });

  it('keeps leases in the file: a second connection (another process) sees who holds one and cannot take it', async () => {
    const file = nextFile();
    const first = SqliteReadModelStore.open({ file });
    const second = SqliteReadModelStore.open({ file });
    try {
      const now = Date.now();
      expect(await first.acquireLease('projector', 'pid-1', { ttlMs: 15_000, nowMs: now })).toMatchObject({ held: true });
      expect(await second.acquireLease('projector', 'pid-2', { ttlMs: 15_000, nowMs: now + 1 })).toMatchObject({ held: false, owner: 'pid-1' });
      await first.releaseLease('projector', 'pid-1');
      expect(await second.acquireLease('projector', 'pid-2', { ttlMs: 15_000, nowMs: now + 2 })).toMatchObject({ held: true, owner: 'pid-2' });
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('serves "where accountId = ? order by seq" from the expression index, without a sort step', async () => {
    const file = nextFile();
    const store = SqliteReadModelStore.open({ file });
    await store.ensureCollections([{ name: 'orders', indexes: [['accountId', 'seq']] }]);
    const raw = new Database(file, { readonly: true });
    try {
      // The SQL the store itself would run for the orders screen, second page (after a cursor).
      const query = validateFindQuery({
        where: { accountId: 'acc-1' },
        orderBy: { field: 'seq', direction: 'desc' },
        limit: 50,
        cursor: encodeCursor({ field: 'seq', direction: 'desc' }, { value: 120, id: 'o-9' }),
      });
      const { sql, params } = findSql('orders', query);
      const plan = raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
      const details = plan.map((row) => row.detail).join(' | ');
      expect(details).toContain('USING INDEX ix_orders__accountId__seq');
      expect(details).not.toContain('TEMP B-TREE');
    } finally {
      raw.close();
      await store.close();
    }
  });

  it('reads "where accountId in (...) order by seq" as one index-ordered page per account, sorting only those pages', async () => {
    const file = nextFile();
    const store = SqliteReadModelStore.open({ file });
    await store.ensureCollections([{ name: 'orders', indexes: [['accountId', 'seq']] }]);
    try {
      const where = { accountId: { in: ['acc-1', 'acc-2', 'acc-3'] } };
      for (const cursor of [null, encodeCursor({ field: 'seq', direction: 'asc' }, { value: 120, id: 'o-9' })]) {
        const plan = findPlan(file, 'orders', { where, orderBy: { field: 'seq', direction: 'asc' }, limit: 50, cursor });
        expect(plan.filter((row) => row.detail.includes('USING INDEX ix_orders__accountId__seq (<expr>=?)'))).toHaveLength(3);
        expect(sortsTableRows(plan, 'orders')).toBe(false);
      }
      // The same condition as one IN over the table sorts every match: what the branches avoid (and what the check sees).
      const raw = new Database(file, { readonly: true });
      try {
        const plain = `SELECT id FROM rm_orders WHERE json_extract(doc, '$.accountId') IN ('acc-1', 'acc-2') ORDER BY json_extract(doc, '$.seq'), id`;
        expect(sortsTableRows(raw.prepare(`EXPLAIN QUERY PLAN ${plain}`).all() as PlanRow[], 'orders')).toBe(true);
      } finally {
        raw.close();
      }
    } finally {
      await store.close();
    }
  });

  it('sees collections and documents written by another connection to the same file', async () => {
    const file = nextFile();
    const writer = SqliteReadModelStore.open({ file });
    const reader = SqliteReadModelStore.open({ file });
    try {
      expect(await reader.get('late', 'a')).toBeNull();
      await writer.ensureCollections([{ name: 'late', indexes: [] }]);
      await writer.commit('p', [{ collection: 'late', id: 'a', doc: { v: 1 } }], 3n);
      expect(await reader.get('late', 'a')).toEqual({ v: 1 });
      expect(await reader.getCheckpoint('p')).toBe(3n);
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  it('stores documents as canonical JSON text', async () => {
    const file = nextFile();
    const store = SqliteReadModelStore.open({ file });
    await store.ensureCollections([{ name: 'c', indexes: [] }]);
    await store.commit('p', [{ collection: 'c', id: 'a', doc: { b: 1, a: { d: 2, c: [3] }, skipped: undefined } }], 1n);
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.prepare('SELECT doc FROM rm_c WHERE id = ?').get('a')).toEqual({ doc: '{"a":{"c":[3],"d":2},"b":1}' });
    } finally {
      raw.close();
      await store.close();
    }
  });

  it('fails to open with READ_STORE_UNAVAILABLE when the directory does not exist', () => {
    expect(() => SqliteReadModelStore.open({ file: path.join(dir, 'no-such-dir', 'x.db') })).toThrow(expect.objectContaining({ code: 'READ_STORE_UNAVAILABLE' }));
  });

  it('maps a lock held by another process past the busy timeout to READ_STORE_UNAVAILABLE', async () => {
    const file = nextFile();
    const store = SqliteReadModelStore.open({ file, busyTimeoutMs: 50 });
    await store.ensureCollections([{ name: 'c', indexes: [] }]);
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(store.commit('p', [{ collection: 'c', id: 'a', doc: { v: 1 } }], 1n)).rejects.toMatchObject({ code: 'READ_STORE_UNAVAILABLE' });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    await store.commit('p', [{ collection: 'c', id: 'a', doc: { v: 1 } }], 1n);
    expect(await store.get('c', 'a')).toEqual({ v: 1 });
    await store.close();
  });
});
