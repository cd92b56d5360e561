import { useEffect, useState, type FormEvent } from 'react';
import { openSession, probeAuth, signIn, type AuthMode } from '../api/auth';
import { ApiFailure } from '../api/http';
import { setSession, wasExpired } from '../api/session';

export function LoginView() {
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<string | null>(wasExpired() ? 'Your session ended. Sign in again.' : null);
  const [busy, setBusy] = useState(false);
  const [mode, setMode] = useState<AuthMode>('unknown');

  useEffect(() => {
    let live = true;
    void probeAuth().then((m) => live && setMode(m));
    return () => {
      live = false;
    };
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!apiKey.trim()) return setError('Paste your API key (rtk_…).');
    setBusy(true);
    setError(null);
    try {
      setSession(await signIn(apiKey));
    } catch (err) {
      setError(err instanceof ApiFailure ? (err.status === 404 ? 'This server has no sign-in endpoint.' : err.message) : 'sign-in failed');
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <form className="login-card card" onSubmit={submit} data-testid="login-form">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>
          Robo Trader
        </div>
        <p className="muted">Sign in with your API key. The key is exchanged for a short-lived token and is not stored.</p>
        <div className={`field ${error ? 'field-invalid' : ''}`}>
          <label htmlFor="api-key">API key</label>
          <input
            id="api-key"
            type="password"
            autoComplete="current-password"
            value={apiKey}
            onChange={(e) => setApiKey(e.target.value)}
            placeholder="rtk_…"
            spellCheck={false}
            autoFocus
          />
          {error && (
            <div className="field-error" role="alert" data-testid="login-error">
              {error}
            </div>
          )}
        </div>
        <button className="btn btn-primary" disabled={busy} data-testid="login-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {mode === 'open' && (
          <div className="login-open">
            <p className="muted small">This server runs without authentication (development mode).</p>
            <button type="button" className="btn" data-testid="login-open" onClick={() => setSession(openSession())}>
              Continue without a key
            </button>
          </div>
        )}
      </form>
    </main>
  );
}
