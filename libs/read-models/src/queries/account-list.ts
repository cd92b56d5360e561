import { ACCOUNTS_COLLECTION, type AccountDoc } from '../projections/accounts.projection';
import type { Page, DocumentReader } from '../read-model-store.port';
import { encodeCursor } from '../support/find-query';
import { findOverAccounts } from './grant-pages';
import { portfolioOfAccount } from './portfolio';

/** What the caller may do with a listed account: trade (admin, trader) or only read (auditor, viewer). */
export type AccountAccess = 'trade' | 'read';

/** One line of GET /api/accounts and `robo accounts list`. Money in integer paise. */
export interface AccountListItem {
  accountId: string;
  name: string;
  cashPaise: number;
  /** Cash plus the open positions at the recorded market prices (at cost without one), as in the portfolio. */
  equityPaise: number;
  openedAt: string;
  halted: boolean;
  access: AccountAccess;
}

export interface AccountListRequest {
  /** null: every account; otherwise only these (a trader's or viewer's grants). */
  accountIds: readonly string[] | null;
  /** Keeps the accounts whose name contains it, whatever the case. */
  q?: string;
  limit: number;
  cursor: string | null;
  access: AccountAccess;
}

/** Accounts are listed by name, then by id (the store's tie-break; an account's document id is its accountId). */
const ORDER = { field: 'name', direction: 'asc' } as const;
/** With a name search, at most this many accounts are looked at for one page; the page may then be short. */
export const NAME_SCAN_BUDGET = 1000;
const SCAN_CHUNK = 200;

/**
 * One page of accounts, ordered by name. Without `q` it is one page of the store. With `q` the store is read in
 * chunks from the cursor and the names filtered here (in JavaScript, so the case folding is the same on every
 * adapter) until the page is full or NAME_SCAN_BUDGET accounts were looked at; the next cursor then points after the
 * last account looked at, so paging on finds the rest.
 */
export async function listAccounts(reads: DocumentReader, request: AccountListRequest): Promise<Page<AccountListItem>> {
  if (request.accountIds !== null && request.accountIds.length === 0) return { items: [], nextCursor: null };
  const page = request.q === undefined ? await pageOf(reads, request.accountIds, request.limit, request.cursor) : await search(reads, request, request.q.toLowerCase());
  const items = await Promise.all(page.items.map((doc) => itemOf(reads, doc, request.access)));
  return { items, nextCursor: page.nextCursor };
}

function pageOf(reads: DocumentReader, accountIds: readonly string[] | null, limit: number, cursor: string | null): Promise<Page<AccountDoc>> {
  const query = { where: {}, orderBy: ORDER, limit, cursor };
  return accountIds === null ? ACCOUNTS_COLLECTION.find(reads, query) : findOverAccounts(reads, ACCOUNTS_COLLECTION, accountIds, query, 'accountId');
}

const cursorAt = (doc: AccountDoc): string => encodeCursor(ORDER, { value: doc.name, id: doc.accountId });

async function search(reads: DocumentReader, request: AccountListRequest, needle: string): Promise<Page<AccountDoc>> {
  const found: AccountDoc[] = [];
  let cursor = request.cursor;
  let scanned = 0;
  for (;;) {
    const chunk = await pageOf(reads, request.accountIds, Math.min(SCAN_CHUNK, NAME_SCAN_BUDGET - scanned), cursor);
    let i = 0;
    while (i < chunk.items.length && found.length < request.limit) {
      const doc = chunk.items[i++];
      if (doc.name.toLowerCase().includes(needle)) found.push(doc);
    }
    scanned += i;
    if (found.length === request.limit) {
      const more = i < chunk.items.length || chunk.nextCursor !== null;
      return { items: found, nextCursor: more ? cursorAt(chunk.items[i - 1]) : null };
    }
    if (chunk.nextCursor === null) return { items: found, nextCursor: null };
    cursor = chunk.nextCursor;
    if (scanned >= NAME_SCAN_BUDGET) return { items: found, nextCursor: cursor };
  }
}

async function itemOf(reads: DocumentReader, account: AccountDoc, access: AccountAccess): Promise<AccountListItem> {
  const { equityPaise } = await portfolioOfAccount(reads, account);
  return { accountId: account.accountId, name: account.name, cashPaise: account.cashPaise, equityPaise, openedAt: account.openedAt, halted: account.halted, access };
}
