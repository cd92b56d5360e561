import type { ReactNode } from 'react';
import { useApp } from '../app-context';

/** For views that show one account: a clear prompt until an account is chosen. */
export function NeedsAccount({ children }: { children: (accountId: string) => ReactNode }) {
  const { accountId } = useApp();
  if (!accountId) {
    return (
      <div className="state state-empty" data-testid="no-account">
        <strong>No account selected.</strong>
        <span>Choose one at the top, add one by its id, or open a new account.</span>
      </div>
    );
  }
  return <>{children(accountId)}</>;
}
