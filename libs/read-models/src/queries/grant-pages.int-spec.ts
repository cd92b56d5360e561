import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ORDERS_COLLECTION, ordersProjection, SqliteReadModelStore } from '../index';
import { findOverAccounts } from './grant-pages';

describe('findOverAccounts: a list over any number of granted accounts', () => {
  let dir: string;
  let reads: SqliteReadModelStore;
  // 2,600 granted accounts (three groups of {in}); orders on some of them, in every group, plus others' orders.
  const granted = Array.from({ length: 2600 }, (_, i) => `acc-${String(i).padStart(5, '0')}`);
  const orders = Array.from({ length: 60 }, (_, i) => ({ orderId: `o-${i}`, accountId: i % 4 === 3 ? `other-${i}` : granted[(i * 137) % granted.length], seq: 1000 - i * 7, status: 'OPEN' }));
  const mine = orders.filter((o) => granted.includes(o.accountId)).sort((a, b) => b.seq - a.seq);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grant-pages-'));
    reads = SqliteReadModelStore.open({ file: path.join(dir, 'read-models.db') });
    await reads.ensureCollections(ordersProjection.collections);
    await reads.commit('orders', orders.map((o) => ({ collection: 'orders', id: o.orderId, doc: o })), 1n);
  });
  afterAll(async () => {
    await reads.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('pages through every order of the granted accounts, in order, once each, and none of another account', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: { orderId: string }[]; nextCursor: string | null } = await findOverAccounts(reads, ORDERS_COLLECTION, granted, {
        where: {},
        orderBy: { field: 'seq', direction: 'desc' },
        limit: 4,
        cursor,
      });
      seen.push(...page.items.map((o) => o.orderId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 100);
    expect(seen).toEqual(mine.map((o) => o.orderId));
    expect(pages).toBe(Math.ceil(mine.length / 4));
  });

  it('continues from a cursor of the single-query kind (a key whose grants crossed the boundary between two pages)', async () => {
    const few = granted.slice(0, 1000);
    const first = await findOverAccounts(reads, ORDERS_COLLECTION, few, { where: {}, orderBy: { field: 'seq', direction: 'desc' }, limit: 2, cursor: null });
    const rest = await findOverAccounts(reads, ORDERS_COLLECTION, granted, { where: {}, orderBy: { field: 'seq', direction: 'desc' }, limit: 200, cursor: first.nextCursor });
    const firstSeqs = first.items.map((o) => orders.find((x) => x.orderId === o.orderId)!.seq);
    expect(rest.items.map((o) => o.orderId)).toEqual(mine.filter((o) => o.seq < Math.min(...firstSeqs)).map((o) => o.orderId));
    expect(rest.nextCursor).toBeNull();
  });
});
