import { currentToken, refreshSession, sessionExpired } from './session';

/** An error answer of the api: `{ code, message, details?, correlationId }` plus the HTTP status. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly correlationId?: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

export interface FieldProblem {
  field: string;
  problems: string[];
}

/** Validation details as `[{ field, problems[] }]`, whatever else the details hold. */
export function fieldProblems(error: unknown): FieldProblem[] {
  if (!(error instanceof ApiFailure) || !Array.isArray(error.details)) return [];
  return error.details.filter(
    (d): d is FieldProblem => typeof d === 'object' && d !== null && typeof (d as FieldProblem).field === 'string' && Array.isArray((d as FieldProblem).problems),
  );
}

export function isForbidden(error: unknown): boolean {
  return error instanceof ApiFailure && error.status === 403;
}

/** The highest global position this tab has written or been told about: queries pass it back to read their writes. */
let knownPosition = 0;
export function notePosition(position: unknown): void {
  if (typeof position === 'number' && Number.isSafeInteger(position) && position > knownPosition) knownPosition = position;
}
export function minPosition(): string | undefined {
  return knownPosition > 0 ? String(knownPosition) : undefined;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  signal?: AbortSignal;
  idempotencyKey?: string;
  /** Send without the bearer token (the login call itself). */
  anonymous?: boolean;
}

export function withQuery(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
}

export async function request<T>(path: string, options: RequestOptions = {}, retried = false): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  const token = options.anonymous ? null : currentToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if ((error as { name?: string }).name === 'AbortError') throw error;
    throw new ApiFailure(0, 'NETWORK_ERROR', 'the server cannot be reached; check the connection');
  }
  const text = await response.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (!response.ok) {
    const shaped = (body ?? {}) as { code?: unknown; message?: unknown; details?: unknown; correlationId?: unknown };
    const failure = new ApiFailure(
      response.status,
      typeof shaped.code === 'string' ? shaped.code : `HTTP_${response.status}`,
      typeof shaped.message === 'string' ? shaped.message : `${response.status} ${response.statusText}`,
      shaped.details,
      typeof shaped.correlationId === 'string' ? shaped.correlationId : (response.headers.get('x-correlation-id') ?? undefined),
    );
    if (response.status === 401 && token) {
      // An expired access token: exchange the key again (once) and repeat the call; else back to sign-in.
      if (!retried && (await refreshSession(token))) return request<T>(path, options, true);
      sessionExpired();
    }
    throw failure;
  }
  const position = (body as { globalPosition?: unknown } | undefined)?.globalPosition;
  if (options.method && options.method !== 'GET') notePosition(position);
  return body as T;
}
