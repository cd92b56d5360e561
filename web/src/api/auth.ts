import { ApiFailure, request } from './http';
import { ROLES, setRefresher, type Role, type Session } from './session';

/**
 * The sign-in flow, in one place: an API key is exchanged at POST /auth/token for a short-lived bearer token;
 * the role and account grants come from GET /auth/me when the server has it, else from the token's own claims
 * (decoded here for display only: the server checks every call).
 */

type TokenAnswer = Record<string, unknown>;

function pickToken(answer: TokenAnswer): string | null {
  for (const field of ['accessToken', 'access_token', 'token', 'jwt']) {
    const value = answer[field];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return null;
}

export function decodeJwtPayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function roleOf(claims: Record<string, unknown>): Role | null {
  const candidates = [claims.role, ...(Array.isArray(claims.roles) ? claims.roles : [])];
  return (candidates.find((c) => typeof c === 'string' && (ROLES as readonly string[]).includes(c)) as Role | undefined) ?? null;
}

function accountsOf(claims: Record<string, unknown>): string[] | null {
  for (const field of ['accountIds', 'accounts', 'acc']) {
    const value = claims[field];
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  }
  return null;
}

function subjectOf(claims: Record<string, unknown>): string {
  for (const field of ['name', 'actor', 'sub', 'kid']) {
    const value = claims[field];
    if (typeof value === 'string' && value) return value;
  }
  return 'api key';
}

export async function signIn(apiKey: string): Promise<Session> {
  const session = await exchange(apiKey.trim());
  setRefresher(() => exchange(apiKey.trim()));
  return session;
}

async function exchange(apiKey: string): Promise<Session> {
  const answer = await request<TokenAnswer>('/auth/token', { method: 'POST', body: { apiKey }, anonymous: true });
  const token = pickToken(answer ?? {});
  if (!token) throw new ApiFailure(502, 'NO_TOKEN', 'the server answered without a token');
  let claims = decodeJwtPayload(token);
  // A profile endpoint, where it exists, is the authority for role and grants.
  try {
    const me = await fetchMe(token);
    if (me) claims = { ...claims, ...me };
  } catch {
    // the token's claims are enough for display
  }
  const role = roleOf(claims);
  if (!role) throw new ApiFailure(502, 'NO_ROLE', 'the token names no role this dashboard knows');
  const expiresIn = typeof answer.expiresIn === 'number' ? answer.expiresIn : typeof answer.expires_in === 'number' ? answer.expires_in : null;
  const exp = typeof claims.exp === 'number' ? claims.exp * 1000 : expiresIn !== null ? Date.now() + expiresIn * 1000 : null;
  return { token, role, subject: subjectOf(claims), accountIds: accountsOf(claims), expiresAt: exp };
}

async function fetchMe(token: string): Promise<Record<string, unknown> | null> {
  const response = await fetch('/auth/me', { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  if (!response.ok) return null;
  const body: unknown = await response.json();
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : null;
}

export type AuthMode = 'required' | 'open' | 'unknown';

/**
 * Whether this server wants a key: an anonymous read answering 200 means authentication is off (a development
 * build), 401 means sign in. Decided by the server, never assumed.
 */
export async function probeAuth(): Promise<AuthMode> {
  try {
    await request('/api/projections', { anonymous: true });
    return 'open';
  } catch (error) {
    if (error instanceof ApiFailure && (error.status === 401 || error.status === 403)) return 'required';
    return 'unknown';
  }
}

/** Open mode: the server records the actor as anonymous and allows every call, so every view is shown. */
export function openSession(): Session {
  return { token: null, role: 'admin', subject: 'anonymous (no sign-in on this server)', accountIds: null, expiresAt: null };
}
