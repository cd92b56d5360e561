import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { canTrade, isAdmin, setSession, useSession, type Session } from './api/session';
import { AppContext, type AppContextValue } from './app-context';
import { AccountPicker } from './components/account-picker';
import { ViewIcon } from './components/icons';
import { LiveBadge } from './components/live-badge';
import { Notifications } from './components/notifications';
import { Loading } from './components/ui';
import { useAccountChoice } from './lib/accounts';
import { href, useRoute, type ViewName } from './lib/route';
import { useTheme } from './lib/theme';
import { LiveProvider } from './live/live';
import { LoginView } from './views/login.view';

// Each view is its own chunk: the first screen loads only what it shows (charts are split out further).
const views: Record<ViewName, ReturnType<typeof lazy>> = {
  overview: lazy(() => import('./views/overview.view')),
  positions: lazy(() => import('./views/positions.view')),
  orders: lazy(() => import('./views/orders.view')),
  strategies: lazy(() => import('./views/strategies.view')),
  audit: lazy(() => import('./views/audit.view')),
  'time-travel': lazy(() => import('./views/time-travel.view')),
  operations: lazy(() => import('./views/operations.view')),
  analyst: lazy(() => import('./views/analyst/analyst.view')),
  watchlist: lazy(() => import('./views/watchlist.view')),
  'option-chain': lazy(() => import('./views/option-chain.view')),
  statement: lazy(() => import('./views/statement.view')),
  backtests: lazy(() => import('./views/backtests.view')),
};

const NAV: { view: ViewName; label: string; visible(s: Session): boolean }[] = [
  { view: 'overview', label: 'Overview', visible: () => true },
  { view: 'positions', label: 'Positions', visible: () => true },
  { view: 'orders', label: 'Orders', visible: () => true },
  { view: 'strategies', label: 'Strategies', visible: () => true },
  { view: 'backtests', label: 'Backtests', visible: () => true },
  { view: 'watchlist', label: 'Watchlist', visible: () => true },
  { view: 'option-chain', label: 'Option chain', visible: () => true },
  { view: 'statement', label: 'Statement', visible: () => true },
  { view: 'audit', label: 'Audit', visible: () => true },
  { view: 'time-travel', label: 'Time travel', visible: () => true },
  { view: 'analyst', label: 'Ask the analyst', visible: () => true },
  { view: 'operations', label: 'Operations', visible: (s) => isAdmin(s) },
];

export function App() {
  const session = useSession();
  const [theme, toggleTheme] = useTheme();
  if (!session) {
    return (
      <>
        <button type="button" className="theme-toggle floating btn btn-ghost btn-small" onClick={toggleTheme} data-testid="theme-toggle">
          {theme === 'dark' ? '☀ Light' : '☾ Dark'}
        </button>
        <LoginView />
      </>
    );
  }
  return <Shell session={session} theme={theme} toggleTheme={toggleTheme} />;
}

function Shell({ session, theme, toggleTheme }: { session: Session; theme: AppContextValue['theme']; toggleTheme: () => void }) {
  const route = useRoute();
  const client = useQueryClient();
  const choice = useAccountChoice(session.accountIds);
  const [toast, setToast] = useState<{ message: string; tone: 'good' | 'bad'; at: number } | null>(null);
  const notify = useCallback((message: string, tone: 'good' | 'bad' = 'good') => setToast({ message, tone, at: Date.now() }), []);
  useEffect(() => {
    if (!toast) return;
    const timer = window.setTimeout(() => setToast(null), 5000);
    return () => window.clearTimeout(timer);
  }, [toast]);

  const nav = NAV.filter((n) => n.visible(session));
  const view = nav.some((n) => n.view === route.view) ? route.view : 'overview';
  const View = views[view];
  const context = useMemo<AppContextValue>(() => ({ session, accountId: choice.selected, theme, route, notify }), [session, choice.selected, theme, route, notify]);

  function signOut() {
    client.clear();
    setSession(null);
  }

  return (
    <AppContext.Provider value={context}>
      <LiveProvider token={session.token} accountId={choice.selected}>
        <div className="shell">
          <aside className="sidebar">
            <div className="brand">
              <span className="brand-mark" aria-hidden="true">
                ◆
              </span>
              <span className="brand-text">Robo Trader</span>
            </div>
            <nav aria-label="Views">
              {nav.map((n) => (
                <a key={n.view} href={href(n.view)} className={n.view === view ? 'active' : ''} data-testid={`nav-${n.view}`} aria-current={n.view === view ? 'page' : undefined}>
                  <span className="nav-icon">
                    <ViewIcon view={n.view} />
                  </span>
                  <span className="nav-label">{n.label}</span>
                </a>
              ))}
            </nav>
          </aside>
          <div className="main">
            <header className="topbar">
              <AccountPicker choice={choice} canOpen={canTrade(session)} />
              <div className="topbar-right">
                <LiveBadge />
                <button type="button" className="btn btn-ghost btn-small" onClick={toggleTheme} data-testid="theme-toggle" aria-label="Toggle dark mode">
                  {theme === 'dark' ? '☀ Light' : '☾ Dark'}
                </button>
                <span className="who" title={session.subject} data-testid="role">
                  {session.role}
                </span>
                <button type="button" className="btn btn-ghost btn-small" onClick={signOut} data-testid="sign-out">
                  Sign out
                </button>
              </div>
            </header>
            <main className="content" data-view={view}>
              <Suspense fallback={<Loading />}>
                <View />
              </Suspense>
            </main>
          </div>
        </div>
        <Notifications />
        {toast && (
          <div className={`toast toast-${toast.tone}`} role="status" data-testid="toast" key={toast.at}>
            {toast.message}
          </div>
        )}
      </LiveProvider>
    </AppContext.Provider>
  );
}
