import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const CORRELATION_HEADER = 'x-correlation-id';
const VALID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Honours a well-formed x-correlation-id, otherwise makes one; echoes it on the response. */
export function correlationIdFor(req: IncomingMessage, res: ServerResponse): string {
  const existing = (req as IncomingMessage & { id?: unknown }).id;
  if (typeof existing === 'string') return existing;
  const header = req.headers[CORRELATION_HEADER];
  const id = typeof header === 'string' && VALID.test(header) ? header : randomUUID();
  if (!res.headersSent) res.setHeader(CORRELATION_HEADER, id);
  return id;
}

export function requestCorrelationId(req: unknown): string {
  const id = (req as { id?: unknown }).id;
  return typeof id === 'string' ? id : 'unknown';
}
