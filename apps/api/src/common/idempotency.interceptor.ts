import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { CLOCK, Clock, requestCorrelationId } from '@robo/runtime';
import type { AuthenticatedRequest } from '../auth/principal';
import { type Answered, IdempotencyRecords, idempotencyStream, isIdempotencyKey, requestFingerprint, storable, KeyedMutex } from '@robo/write-path';
import { ApiError } from './api-error';

const COMMAND_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const EXEMPT = Symbol('idempotency-exempt');

/** The Idempotency-Key header of a request; undefined when absent, 400 when malformed. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  if (!isIdempotencyKey(raw)) {
    throw new ApiError(400, 'INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1 to 200 visible ASCII characters');
  }
  return raw;
}

/** A route that takes no part (a streamed answer that cannot be stored and replayed, such as an analyst question). */
export const IdempotencyExempt = () => SetMetadata(EXEMPT, true);

/**
 * One Idempotency-Key mechanism for every command (every POST, PUT and DELETE of an authenticated caller): the
 * first successful answer is recorded in the log, in a stream of its own per (credential, key), with a
 * fingerprint of the request. A retry with the same key and the same request gets that answer back, status
 * included, and runs nothing; the same key with another request (another body, another path) is refused with
 * 422 IDEMPOTENCY_KEY_REUSED. Refusals are not recorded (a refused command appends nothing), so a retry after a
 * refusal runs again. Requests with one key queue behind each other in this process; the commands' own
 * deterministic event ids (derived from the key where a command has them) cover a crash between the command and
 * its record, and concurrent duplicates on other replicas. The records are written by the write step
 * (`write/idempotency.ts`); this is their HTTP edge.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(
    private readonly records: IdempotencyRecords,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly reflector: Reflector,
    private readonly locks: KeyedMutex,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    if (!COMMAND_METHODS.has(req.method)) return next.handle();
    if (this.reflector.getAllAndOverride<boolean>(EXEMPT, [context.getHandler(), context.getClass()])) return next.handle();
    const key = idempotencyKeyOf(req);
    const principal = req.principal;
    if (key === undefined || principal === undefined) return next.handle();
    const res = context.switchToHttp().getResponse<Response>();
    const stream = idempotencyStream(principal.kid, key);
    const fingerprint = requestFingerprint(req.method, req.path, req.body);
    return from(this.locks.run(stream, () => this.once(stream, fingerprint, req, res, next)));
  }

  private async once(stream: string, fingerprint: string, req: Request & AuthenticatedRequest, res: Response, next: CallHandler): Promise<unknown> {
    const first = await this.records.answered(stream);
    if (first !== null) return this.replay(first, fingerprint, res);
    const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
    const answer: Answered = { method: req.method, path: req.path, fingerprint, status: res.statusCode, body: storable(body) };
    if (answer.status >= 200 && answer.status < 300) await this.record(stream, answer, req);
    return body;
  }

  private replay(first: Answered, fingerprint: string, res: Response): unknown {
    if (first.fingerprint !== fingerprint) {
      throw new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used for a different request', {
        firstRequest: `${first.method} ${first.path}`,
      });
    }
    res.status(first.status);
    res.setHeader('Idempotent-Replayed', 'true');
    return first.body;
  }

  private async record(stream: string, answer: Answered, req: Request & AuthenticatedRequest): Promise<void> {
    const ctx = { correlationId: requestCorrelationId(req), causationId: null, actor: req.actor ?? req.principal?.actor ?? 'anonymous' };
    try {
      // Another replica answered the same key first: its record stands (already done).
      const recorded = await this.records.record(stream, answer, ctx, this.clock.now());
      if (recorded.outcome === 'rejected') this.logger.warn({ stream, code: recorded.code }, 'could not record an idempotent answer');
    } catch (error) {
      // The command did happen, so its answer still goes out; a retry then runs the command again, which its own
      // event ids make harmless.
      this.logger.warn({ err: error, stream }, 'could not record an idempotent answer');
    }
  }
}
