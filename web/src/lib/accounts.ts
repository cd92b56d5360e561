import { useCallback, useEffect, useMemo, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../api/http';
import type { AccountEntry, AccountPage, AccountSummary as ListedAccount } from '../api/types';
import { readStored, readStoredJson, writeStored } from './storage';

const KNOWN = 'robo.accounts';
const SELECTED = 'robo.account';
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The name the demo gives its paper account (README, "Listing accounts"): first sign-in opens on it. */
export const DEMO_ACCOUNT_NAME = 'Demo paper account';
export const ACCOUNTS_PAGE = 50;

export type { ListedAccount };

/** One page of the accounts the caller may see, by name; `q` keeps the names that contain it (any case). */
export function listAccounts(query: { q?: string; cursor?: string | null; limit?: number }, signal?: AbortSignal): Promise<AccountPage> {
  return request<AccountPage>('/api/accounts', { signal, query: { q: query.q?.trim() || undefined, cursor: query.cursor ?? undefined, limit: query.limit ?? ACCOUNTS_PAGE } });
}

export interface AccountChoice {
  /** Accounts to pick from: the first page of the server's list, the key's grants, and accounts found or added here. */
  accounts: AccountEntry[];
  /** The server's list answered; false while it loads or when it failed (`listError`). */
  serverListed: boolean;
  /** More accounts than the first page: the picker offers a search. */
  more: boolean;
  listError: unknown;
  selected: string | null;
  select(accountId: string | null): void;
  remember(account: AccountEntry): void;
  forget(accountId: string): void;
}

/**
 * The account a first sign-in opens on: the demo's paper account when the caller can see it, else the first
 * granted one, else the first listed one.
 */
export function firstAccount(listed: readonly ListedAccount[], grantedIds: readonly string[] | null): string | null {
  const demo = listed.find((a) => a.name === DEMO_ACCOUNT_NAME);
  if (demo) return demo.accountId;
  if (grantedIds && grantedIds.length > 0) return grantedIds[0];
  return listed[0]?.accountId ?? null;
}

export function useAccountChoice(grantedIds: string[] | null): AccountChoice {
  const client = useQueryClient();
  const listed = useQuery({ queryKey: ['accounts-list'], queryFn: ({ signal }) => listAccounts({}, signal), staleTime: 30_000 });
  const [known, setKnown] = useState<AccountEntry[]>(() => readStoredJson<AccountEntry[]>(KNOWN, []).filter((a) => UUID.test(a.accountId)));
  const [selected, setSelected] = useState<string | null>(() => readStored(SELECTED));

  const accounts = useMemo(() => {
    const byId = new Map<string, AccountEntry>();
    for (const a of listed.data?.items ?? []) byId.set(a.accountId, a);
    for (const id of grantedIds ?? []) if (!byId.has(id)) byId.set(id, { accountId: id });
    for (const a of known) if (!byId.has(a.accountId)) byId.set(a.accountId, a);
    return [...byId.values()];
  }, [listed.data, grantedIds, known]);

  // First visit (or a remembered account this key cannot see, when the whole list is known): open on one it can.
  useEffect(() => {
    if (!listed.isSuccess && !listed.isError) return;
    const visible = listed.data && !listed.data.nextCursor ? new Set(accounts.map((a) => a.accountId)) : null;
    if (selected !== null && (visible === null || visible.has(selected))) return;
    const first = firstAccount(listed.data?.items ?? [], grantedIds) ?? accounts[0]?.accountId ?? null;
    if (first !== selected) setSelected(first);
  }, [selected, accounts, listed.isSuccess, listed.isError, listed.data, grantedIds]);

  const select = useCallback((accountId: string | null) => {
    writeStored(SELECTED, accountId);
    setSelected(accountId);
  }, []);

  const remember = useCallback(
    (account: AccountEntry) => {
      setKnown((list) => {
        const next = [account, ...list.filter((a) => a.accountId !== account.accountId)].slice(0, 20);
        writeStored(KNOWN, JSON.stringify(next));
        return next;
      });
      // A new account shows in the server's list too.
      void client.invalidateQueries({ queryKey: ['accounts-list'] });
    },
    [client],
  );

  const forget = useCallback(
    (accountId: string) => {
      setKnown((list) => {
        const next = list.filter((a) => a.accountId !== accountId);
        writeStored(KNOWN, JSON.stringify(next));
        return next;
      });
      if (selected === accountId) select(null);
    },
    [selected, select],
  );

  return { accounts, serverListed: listed.isSuccess, more: !!listed.data?.nextCursor, listError: listed.error, selected, select, remember, forget };
}
