import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from './api-error';
import { requestCorrelationId } from '@robo/runtime';
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
  return { correlationId: requestCorrelationId(req), causationId: newId(), actor, idempotencyKey };
});
