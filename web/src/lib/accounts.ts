import { useCallback, useEffect, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import type { AccountEntry } from '../api/types';
import { readStored, readStoredJson, writeStored } from './storage';

const KNOWN = 'robo.accounts';
const SELECTED = 'robo.account';
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AccountChoice {
  /** Accounts to pick from: the server's list of the caller's accounts, else the ones typed in on this browser. */
  accounts: AccountEntry[];
  /** False until the server can list accounts (GET /api/accounts): ids are then entered by hand and remembered. */
  serverListed: boolean;
  selected: string | null;
  select(accountId: string | null): void;
  remember(account: AccountEntry): void;
  forget(accountId: string): void;
}

export function useAccountChoice(grantedIds: string[] | null): AccountChoice {
  const listed = useQuery({ queryKey: ['accounts-list'], queryFn: ({ signal }) => api.accounts(signal), staleTime: 30_000 });
  const [known, setKnown] = useState<AccountEntry[]>(() => readStoredJson<AccountEntry[]>(KNOWN, []).filter((a) => UUID.test(a.accountId)));
  const [selected, setSelected] = useState<string | null>(() => readStored(SELECTED));

  const accounts = useMemo(() => {
    const byId = new Map<string, AccountEntry>();
    for (const a of listed.data ?? []) byId.set(a.accountId, a);
    for (const id of grantedIds ?? []) if (!byId.has(id)) byId.set(id, { accountId: id });
    for (const a of known) if (!byId.has(a.accountId)) byId.set(a.accountId, a);
    return [...byId.values()];
  }, [listed.data, grantedIds, known]);

  // First visit: pick the only (or first) account there is.
  useEffect(() => {
    if (selected === null && accounts.length > 0) setSelected(accounts[0].accountId);
  }, [selected, accounts]);

  const select = useCallback((accountId: string | null) => {
    writeStored(SELECTED, accountId);
    setSelected(accountId);
  }, []);

  const remember = useCallback((account: AccountEntry) => {
    setKnown((list) => {
      const next = [account, ...list.filter((a) => a.accountId !== account.accountId)].slice(0, 20);
      writeStored(KNOWN, JSON.stringify(next));
      return next;
    });
  }, []);

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

  return { accounts, serverListed: listed.isSuccess, selected, select, remember, forget };
}
