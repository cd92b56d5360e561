import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CORRELATION_HEADER, requestCorrelationId } from '@robo/runtime';
import type { AuthenticatedRequest } from '../auth/principal';
import { type CommandContext, newId } from '@robo/write-path';
import { idempotencyKeyOf } from './idempotency.interceptor';

/** Builds the command context (correlation, causation, actor, idempotency key) from the HTTP request. */
export const Ctx = createParamDecorator((_: unknown, host: ExecutionContext): CommandContext => {
  const req = host.switchToHttp().getRequest<Request>();
  const raw = idempotencyKeyOf(req);
  const { actor = 'anonymous', principal } = req as Request & AuthenticatedRequest;
  // Keys are per credential (as the recorded answers are): two keys sending the same string never share events.
  const idempotencyKey = raw === undefined ? undefined : principal ? `${principal.kid}:${raw}` : raw;
  const requestId = requestCorrelationId(req);
  const chosen = req.headers[CORRELATION_HEADER];
  const kid = principal?.kid;
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
