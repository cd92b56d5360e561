import { createContext, useContext } from 'react';
import type { Session } from './api/session';
import type { Route } from './lib/route';
import type { Theme } from './lib/theme';

export interface AppContextValue {
  session: Session;
  accountId: string | null;
  theme: Theme;
  route: Route;
  /** A short message at the bottom of the screen (command results). */
  notify(message: string, tone?: 'good' | 'bad'): void;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside the app shell');
  return value;
}
