import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { accountsProjection, positionsProjection, pricesProjection, SqliteReadModelStore } from '../index';
import { listAccounts, NAME_SCAN_BUDGET } from './account-list';

describe('listAccounts over a real SQLite read store', () => {
  let dir: string;
  let reads: SqliteReadModelStore;
  // 3,000 accounts whose names repeat (ten names), 2,600 of them granted to one key (three groups of {in}).
  const accounts = Array.from({ length: 3000 }, (_, i) => ({
    accountId: `acc-${String((i * 7919) % 3000).padStart(5, '0')}`,
    name: i % 997 === 5 ? `Needle ${i}` : `Desk ${i % 10}`,
    cashPaise: i,
    openedAt: '2026-11-20T09:15:00.000Z',
    halted: false,
    initialCashPaise: i,
    depositedPaise: 0,
    withdrawnPaise: 0,
    reservedPaise: 0,
  }));
  const granted = accounts.slice(0, 2600).map((a) => a.accountId);
  const byNameThenId = (a: { name: string; accountId: string }, b: { name: string; accountId: string }) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0;

  async function everyPage(request: { accountIds: string[] | null; q?: string; limit: number }) {
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listAccounts>> = await listAccounts(reads, { ...request, cursor, access: 'read' });
      seen.push(...page.items.map((i) => i.accountId));
      sizes.push(page.items.length);
      cursor = page.nextCursor;
    } while (cursor !== null && sizes.length < 1000);
    return { seen, sizes };
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'account-list-'));
    reads = SqliteReadModelStore.open({ file: path.join(dir, 'read-models.db') });
    await reads.ensureCollections([...accountsProjection.collections, ...positionsProjection.collections, ...pricesProjection.collections]);
    await reads.commit('accounts', accounts.map((a) => ({ collection: 'accounts', id: a.accountId, doc: a })), 1n);
  });
  afterAll(async () => {
    await reads.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('pages through the granted accounts of a key with thousands of grants by name then id, each once, ties included', async () => {
    const { seen } = await everyPage({ accountIds: granted, limit: 97 });
    const expected = accounts.filter((a) => granted.includes(a.accountId)).sort(byNameThenId).map((a) => a.accountId);
    expect(seen).toEqual(expected);
  });

  it('pages a name search past the scan budget: short pages, then the rest, each match once', async () => {
    const matches = accounts.filter((a) => a.name.toLowerCase().includes('needle')).sort(byNameThenId).map((a) => a.accountId);
    expect(matches.length).toBeGreaterThan(1);
    const { seen, sizes } = await everyPage({ accountIds: null, q: 'NEEDLE', limit: 50 });
    expect(seen).toEqual(matches);
    // Every page looks at no more than the budget: 3,000 accounts take at least three pages.
    expect(sizes.length).toBeGreaterThanOrEqual(Math.ceil(accounts.length / NAME_SCAN_BUDGET) - 1);
    const grantedMatches = accounts.filter((a) => granted.includes(a.accountId) && a.name.startsWith('Needle')).sort(byNameThenId).map((a) => a.accountId);
    expect((await everyPage({ accountIds: granted, q: 'needle', limit: 1 })).seen).toEqual(grantedMatches);
  });

  it('stops a full search page at the last match it returns, so the next page starts right after it', async () => {
    const desk3 = accounts.filter((a) => a.name === 'Desk 3').sort(byNameThenId).map((a) => a.accountId);
    const { seen } = await everyPage({ accountIds: null, q: 'desk 3', limit: 40 });
    expect(seen).toEqual(desk3);
  });
});
