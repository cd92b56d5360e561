import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { requestCorrelationId } from '@robo/runtime';
import type { AuthenticatedRequest } from '../auth/principal';
import type { CommandContext } from '../write/command-context';
import { newId } from '../write/event-ids';
import { idempotencyKeyOf } from '../write/idempotency';

/** Builds the command context (correlation, causation, actor, idempotency key) from the HTTP request. */
export const Ctx = createParamDecorator((_: unknown, host: ExecutionContext): CommandContext => {
  const req = host.switchToHttp().getRequest<Request>();
  const raw = idempotencyKeyOf(req);
  const { actor = 'anonymous', principal } = req as Request & AuthenticatedRequest;
  // Keys are per credential (as the recorded answers are): two keys sending the same string never share events.
  const idempotencyKey = raw === undefined ? undefined : principal ? `${principal.kid}:${raw}` : raw;
  return { correlationId: requestCorrelationId(req), causationId: newId(), actor, idempotencyKey };
});
