import { useSyncExternalStore } from 'react';

export const ROLES = ['trader', 'viewer', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Session {
  /** Null when the server runs without authentication (open mode). */
  token: string | null;
  role: Role;
  /** Who the server will record as the actor (key id or name), for display. */
  subject: string;
  /** Accounts granted to the key (trader, viewer); null when every account is visible or unknown. */
  accountIds: string[] | null;
  /** Epoch ms when the token stops working, if known. */
  expiresAt: number | null;
}

// The token lives in sessionStorage: it survives a reload of the tab and dies with it. The API key never is stored.
const KEY = 'robo.session';
let session: Session | null = load();
let expiredNotice = false;
const listeners = new Set<() => void>();

function load(): Session | null {
  try {
    const raw = window.sessionStorage.getItem(KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Session;
    if (parsed.expiresAt !== null && parsed.expiresAt <= Date.now()) return null;
    return parsed;
  } catch {
    return null;
  }
}

function emit(): void {
  for (const listener of listeners) listener();
}

export function setSession(next: Session | null): void {
  if (next === null) refresher = null;
  session = next;
  expiredNotice = false;
  try {
    if (next) window.sessionStorage.setItem(KEY, JSON.stringify(next));
    else window.sessionStorage.removeItem(KEY);
  } catch {
    // kept in memory only
  }
  emit();
}

export function currentSession(): Session | null {
  return session;
}

export function currentToken(): string | null {
  return session?.token ?? null;
}

/**
 * Renews an expired access token without asking the user again. The API key is kept in this tab's memory only
 * (never in storage), so after a reload an expired session means signing in again.
 */
type Refresher = () => Promise<Session>;
let refresher: Refresher | null = null;
let refreshing: Promise<boolean> | null = null;

export function setRefresher(next: Refresher | null): void {
  refresher = next;
}

/** True when a fresh token replaced `staleToken` (or already had). Concurrent 401s share one exchange. */
export async function refreshSession(staleToken: string): Promise<boolean> {
  if (session?.token && session.token !== staleToken) return true;
  if (!refresher) return false;
  const renew = refresher;
  refreshing ??= renew()
    .then((next) => {
      setSession(next);
      return true;
    })
    .catch(() => false)
    .finally(() => (refreshing = null));
  return refreshing;
}

/** A 401 on an authenticated call: the token expired or was revoked; back to the sign-in page with a notice. */
export function sessionExpired(): void {
  if (!session) return;
  setSession(null);
  expiredNotice = true;
  emit();
}

export function wasExpired(): boolean {
  return expiredNotice;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, currentSession);
}

export function canTrade(s: Session | null): boolean {
  return s?.role === 'trader' || s?.role === 'admin';
}


export function isAdmin(s: Session | null): boolean {
  return s?.role === 'admin';
}
