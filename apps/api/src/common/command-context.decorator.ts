import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AuthenticatedRequest } from '../auth/principal';
import { ApiError } from './api-error';
import { CORRELATION_HEADER, requestCorrelationId } from '@robo/runtime';
import type { CommandContext } from '../write/command-context';
import { newId } from '../write/event-ids';

const KEY = /^[\x21-\x7e]{1,200}$/;

/** Builds the command context (correlation, causation, actor, idempotency key) from the HTTP request. */
export const Ctx = createParamDecorator((_: unknown, host: ExecutionContext): CommandContext => {
  const req = host.switchToHttp().getRequest<Request>();
  const raw = req.headers['idempotency-key'];
  let idempotencyKey: string | undefined;
  if (raw !== undefined) {
    if (typeof raw !== 'string' || !KEY.test(raw)) {
      throw new ApiError(400, 'INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1 to 200 visible ASCII characters');
    }
    idempotencyKey = raw;
  }
  const actor = (req as Request & { actor?: string }).actor ?? 'anonymous';
  const requestId = requestCorrelationId(req);
  const chosen = req.headers[CORRELATION_HEADER];
  const kid = (req as Request & AuthenticatedRequest).principal?.kid;
  // A correlation id the client chose is namespaced by its key, so that nobody can add events to another
  // principal's causal tree by sending its id; the response header tells the client the id its events carry.
  let correlationId = requestId;
  if (kid !== undefined && chosen === requestId) {
    correlationId = namespacedCorrelationId(kid, requestId);
    const res = host.switchToHttp().getResponse<Response>();
    if (!res.headersSent) res.setHeader(CORRELATION_HEADER, correlationId);
  }
  return { correlationId, causationId: newId(), actor, idempotencyKey };
});

/** `key:<kid>:<id>`; an id the key already namespaced (sent again to tie requests together) stays as it is. */
export function namespacedCorrelationId(kid: string, chosen: string): string {
  const prefix = `key:${kid}:`;
  return chosen.startsWith(prefix) ? chosen : `${prefix}${chosen}`;
}
