import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import { ApiFailure } from '../api/http';
import { parseRupees } from '../lib/format';
import { listAccounts, UUID, type AccountChoice, type ListedAccount } from '../lib/accounts';
import { rupees } from '../lib/format';

/**
 * Choose the account every view shows from the accounts the key may see (the server's list, searchable by name),
 * or open a new one. Adding an account by its id is left for a server that cannot list accounts.
 */
export function AccountPicker({ choice, canOpen }: { choice: AccountChoice; canOpen: boolean }) {
  const [mode, setMode] = useState<'none' | 'add' | 'open' | 'find'>('none');
  // Granted accounts arrive as ids: the selected one is named from its document (shared with the views' query).
  const selected = useQuery({ queryKey: ['account', choice.selected ?? ''], queryFn: ({ signal }) => api.account(choice.selected!, signal), enabled: !!choice.selected });
  const label = (a: { accountId: string; name?: string }) => {
    const name = a.name ?? (a.accountId === choice.selected ? selected.data?.name : undefined);
    return name ? `${name} · ${a.accountId.slice(0, 8)}` : `Account ${a.accountId.slice(0, 8)}`;
  };
  return (
    <div className="account-picker">
      <label className="sr-only" htmlFor="account-select">
        Account
      </label>
      <select
        id="account-select"
        data-testid="account-select"
        title={choice.selected ?? undefined}
        value={choice.selected ?? ''}
        onChange={(e) => choice.select(e.target.value || null)}
      >
        {choice.selected === null && <option value="">Choose an account…</option>}
        {choice.accounts.map((a) => (
          <option key={a.accountId} value={a.accountId}>
            {label(a)}
          </option>
        ))}
      </select>
      <button type="button" className="btn btn-small btn-ghost" data-testid="account-find" onClick={() => setMode(mode === 'find' ? 'none' : 'find')}>
        Find
      </button>
      {!choice.serverListed && choice.listError !== null && (
        <button
          type="button"
          className="btn btn-small btn-ghost"
          data-testid="account-add"
          title={`The account list is not available: ${choice.listError instanceof ApiFailure ? choice.listError.message : 'unknown error'}`}
          onClick={() => setMode(mode === 'add' ? 'none' : 'add')}
        >
          Add by id
        </button>
      )}
      {canOpen && (
        <button type="button" className="btn btn-small btn-ghost" data-testid="account-open" onClick={() => setMode(mode === 'open' ? 'none' : 'open')}>
          Open account
        </button>
      )}
      {mode === 'add' && <AddAccount choice={choice} done={() => setMode('none')} />}
      {mode === 'open' && <OpenAccount choice={choice} done={() => setMode('none')} />}
      {mode === 'find' && <FindAccount choice={choice} done={() => setMode('none')} />}
    </div>
  );
}

/** Search the accounts the key may see by name, page by page. */
function FindAccount({ choice, done }: { choice: AccountChoice; done: () => void }) {
  const [q, setQ] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1];
  const found = useQuery({
    queryKey: ['accounts-list', 'find', q.trim(), cursor ?? ''],
    queryFn: ({ signal }) => listAccounts({ q, cursor }, signal),
    placeholderData: (previous) => previous,
    staleTime: 10_000,
  });
  function pick(a: ListedAccount) {
    choice.remember({ accountId: a.accountId, name: a.name });
    choice.select(a.accountId);
    done();
  }
  return (
    <div className="popover account-find" data-testid="account-find-form">
      <label htmlFor="account-search">Account name</label>
      <input
        id="account-search"
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setCursors([null]);
        }}
        placeholder="part of a name, e.g. demo"
        autoFocus
        spellCheck={false}
      />
      {found.error ? (
        <div className="field-error" role="alert">
          {found.error instanceof ApiFailure ? found.error.message : 'the accounts cannot be listed'}
        </div>
      ) : (
        <ul className="account-results" data-testid="account-results">
          {(found.data?.items ?? []).map((a) => (
            <li key={a.accountId}>
              <button type="button" className="btn btn-ghost btn-small account-result" onClick={() => pick(a)} data-testid="account-result" title={a.accountId}>
                <span>{a.name}</span>
                <span className="muted small">
                  {a.accountId.slice(0, 8)}
                  {a.equityPaise !== undefined ? ` · equity ${rupees(a.equityPaise)}` : ''}
                  {a.access === 'read' ? ' · read only' : ''}
                </span>
              </button>
            </li>
          ))}
          {found.data && found.data.items.length === 0 && <li className="muted small">No account{q.trim() ? ` named like “${q.trim()}”` : ''}.</li>}
        </ul>
      )}
      <div className="row">
        <button type="button" className="btn btn-small btn-ghost" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          ← Previous
        </button>
        <button type="button" className="btn btn-small btn-ghost" disabled={!found.data?.nextCursor} onClick={() => found.data?.nextCursor && setCursors((c) => [...c, found.data!.nextCursor])} data-testid="account-more">
          More →
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={done}>
          Close
        </button>
      </div>
    </div>
  );
}

function AddAccount({ choice, done }: { choice: AccountChoice; done: () => void }) {
  const [id, setId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const accountId = id.trim();
    if (!UUID.test(accountId)) return setError('An account id is a UUID, e.g. 0b6c…-…');
    setBusy(true);
    try {
      const account = await api.account(accountId);
      choice.remember({ accountId, name: account.name });
      choice.select(accountId);
      done();
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : 'could not read the account');
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="popover" onSubmit={submit} data-testid="account-add-form">
      <label htmlFor="account-id-input">Account id</label>
      <input id="account-id-input" value={id} onChange={(e) => setId(e.target.value)} placeholder="paste an account id" autoFocus spellCheck={false} />
      {error && <div className="field-error" role="alert">{error}</div>}
      <div className="row">
        <button className="btn btn-primary btn-small" disabled={busy}>
          Show
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={done}>
          Close
        </button>
      </div>
    </form>
  );
}

function OpenAccount({ choice, done }: { choice: AccountChoice; done: () => void }) {
  const [name, setName] = useState('');
  const [cash, setCash] = useState('1000000');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const initialCashPaise = parseRupees(cash);
    if (initialCashPaise === undefined) return setError('Initial cash in rupees, e.g. 1000000 or 2500.50');
    setBusy(true);
    try {
      const result = await api.openAccount({ name: name.trim(), initialCashPaise });
      choice.remember({ accountId: result.accountId, name: name.trim() });
      choice.select(result.accountId);
      done();
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : 'could not open the account');
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="popover" onSubmit={submit} data-testid="account-open-form">
      <label htmlFor="open-name">Name</label>
      <input id="open-name" value={name} onChange={(e) => setName(e.target.value)} autoFocus />
      <label htmlFor="open-cash">Initial cash (₹)</label>
      <input id="open-cash" value={cash} onChange={(e) => setCash(e.target.value)} inputMode="decimal" />
      {error && <div className="field-error" role="alert">{error}</div>}
      <div className="row">
        <button className="btn btn-primary btn-small" disabled={busy}>
          Open
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={done}>
          Close
        </button>
      </div>
    </form>
  );
}
