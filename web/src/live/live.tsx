import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { io, type Socket } from 'socket.io-client';
import { notePosition } from '../api/http';
import { refreshSession, sessionExpired } from '../api/session';

/**
 * The live connection: socket.io at the same origin, authenticated with the bearer token, subscribed to the
 * selected account's room. An event names an account (and a global position) whose read models changed; the
 * queries of that account are refetched. While the socket is down the data on screen is kept and marked stale;
 * on reconnect everything is refetched (resync). A server without a live gateway is polled instead.
 */
export type LiveStatus = 'connecting' | 'live' | 'stale' | 'polling';

interface LiveState {
  status: LiveStatus;
  lastEventAt: number | null;
}

const LiveContext = createContext<LiveState>({ status: 'connecting', lastEventAt: null });

export function useLive(): LiveState {
  return useContext(LiveContext);
}

type UpdateListener = (update: unknown) => void;
const UpdatesContext = createContext<Set<UpdateListener>>(new Set());

/** Calls `listener` with every `update` message of the live feed (the notifications read them). */
export function useLiveUpdates(listener: UpdateListener): void {
  const listeners = useContext(UpdatesContext);
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => {
    const call: UpdateListener = (update) => latest.current(update);
    listeners.add(call);
    return () => void listeners.delete(call);
  }, [listeners]);
}

const POLL_MS = 4000;
const COALESCE_MS = 120;

export function room(accountId: string): string {
  return `account:${accountId}`;
}

function accountOf(payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const p = payload as { accountId?: unknown; room?: unknown };
  if (typeof p.accountId === 'string') return p.accountId;
  if (typeof p.room === 'string' && p.room.startsWith('account:')) return p.room.slice('account:'.length);
  return null;
}

function positionOf(payload: unknown): unknown {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const p = payload as { position?: unknown; globalPosition?: unknown };
  return p.position ?? p.globalPosition;
}

/** Coalesces bursts (one fill moves an order, a position and cash) into one refetch per account. */
function invalidator(client: QueryClient) {
  const pending = new Set<string | null>();
  let timer: number | undefined;
  return (accountId: string | null) => {
    pending.add(accountId);
    if (timer !== undefined) return;
    timer = window.setTimeout(() => {
      timer = undefined;
      const accounts = [...pending];
      pending.clear();
      if (accounts.includes(null)) {
        void client.invalidateQueries();
        return;
      }
      void client.invalidateQueries({
        predicate: (query) => query.queryKey.some((part) => typeof part === 'string' && accounts.includes(part)) || query.queryKey[0] === 'audit' || query.queryKey[0] === 'projections',
      });
    }, COALESCE_MS);
  };
}

/**
 * `subscribe` is acknowledged with `{ ok, code? }`. A refused topic (no access to the account) means no pushes
 * will come for it: the queries are then polled like on a server without a live feed.
 */
function subscribe(socket: Socket, accountId: string, setState: (update: (s: LiveState) => LiveState) => void): void {
  socket.timeout(10_000).emit('subscribe', room(accountId), (error: Error | null, ack?: { ok?: boolean }) => {
    const ok = !error && ack?.ok === true;
    setState((s) => ({ ...s, status: ok ? 'live' : 'polling' }));
  });
}

export function LiveProvider({ token, accountId, children }: { token: string | null; accountId: string | null; children: ReactNode }) {
  const client = useQueryClient();
  const [state, setState] = useState<LiveState>({ status: 'connecting', lastEventAt: null });
  const socketRef = useRef<Socket | null>(null);
  const accountRef = useRef<string | null>(accountId);
  const [listeners] = useState(() => new Set<UpdateListener>());

  useEffect(() => {
    const socket = io({ auth: token ? { token } : {}, reconnectionDelay: 1000, reconnectionDelayMax: 5000, timeout: 8000 });
    socketRef.current = socket;
    const invalidate = invalidator(client);
    let everConnected = false;
    let expired = false;
    let retry: number | undefined;

    socket.on('connect', () => {
      if (accountRef.current) subscribe(socket, accountRef.current, setState);
      setState((s) => ({ ...s, status: 'live' }));
      // Resync: whatever happened while we were away (or before the first connect) is fetched again.
      if (everConnected) void client.invalidateQueries();
      everConnected = true;
    });
    socket.on('disconnect', (reason) => {
      setState((s) => ({ ...s, status: everConnected ? 'stale' : 'polling' }));
      // socket.io retries by itself after a network loss, not after the server closed the socket (a restart,
      // a re-check of the key): try again shortly; a refused handshake then shows as a connect_error.
      // After session_expired the new token's socket replaces this one (the effect runs again).
      if (reason === 'io server disconnect' && !expired) retry = window.setTimeout(() => socket.connect(), 2000);
    });
    // The access token this socket was opened with expired: renew it (the api key is in memory) or sign in again.
    socket.on('session_expired', () => {
      expired = true;
      if (token) void refreshSession(token).then((renewed) => renewed || sessionExpired());
    });
    socket.on('connect_error', () => setState((s) => ({ ...s, status: everConnected ? 'stale' : 'polling' })));
    socket.onAny((event: string, payload: unknown) => {
      if (event === 'session_expired') return;
      notePosition(positionOf(payload));
      if (event === 'update') for (const listener of listeners) listener(payload);
      invalidate(accountOf(payload));
      setState((s) => ({ ...s, lastEventAt: Date.now() }));
    });
    return () => {
      window.clearTimeout(retry);
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
    };
  }, [token, client, listeners]);

  useEffect(() => {
    const previous = accountRef.current;
    accountRef.current = accountId;
    const socket = socketRef.current;
    if (!socket?.connected || previous === accountId) return;
    if (previous) socket.emit('unsubscribe', room(previous));
    if (accountId) subscribe(socket, accountId, setState);
  }, [accountId]);

  // No live gateway on this server (or none yet): poll the queries on screen so figures still move.
  useEffect(() => {
    if (state.status !== 'polling') return;
    const timer = window.setInterval(() => void client.invalidateQueries({ type: 'active' }), POLL_MS);
    return () => window.clearInterval(timer);
  }, [state.status, client]);

  return (
    <LiveContext.Provider value={state}>
      <UpdatesContext.Provider value={listeners}>{children}</UpdatesContext.Provider>
    </LiveContext.Provider>
  );
}
