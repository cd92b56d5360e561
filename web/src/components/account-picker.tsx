import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import { ApiFailure } from '../api/http';
import { parseRupees } from '../lib/format';
import { UUID, type AccountChoice } from '../lib/accounts';

/** Choose the account every view shows; add one by id (until the server lists accounts) or open a new one. */
export function AccountPicker({ choice, canOpen }: { choice: AccountChoice; canOpen: boolean }) {
  const [mode, setMode] = useState<'none' | 'add' | 'open'>('none');
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
      <button type="button" className="btn btn-small btn-ghost" data-testid="account-add" onClick={() => setMode(mode === 'add' ? 'none' : 'add')}>
        Add by id
      </button>
      {canOpen && (
        <button type="button" className="btn btn-small btn-ghost" data-testid="account-open" onClick={() => setMode(mode === 'open' ? 'none' : 'open')}>
          Open account
        </button>
      )}
      {mode === 'add' && <AddAccount choice={choice} done={() => setMode('none')} />}
      {mode === 'open' && <OpenAccount choice={choice} done={() => setMode('none')} />}
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
