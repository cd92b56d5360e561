import { createHash } from 'node:crypto';
import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { EVENT_STORE, EventStore, WrongExpectedVersionError } from '@robo/event-store';
import { CLOCK, Clock, requestCorrelationId } from '@robo/runtime';
import type { AuthenticatedRequest } from '../auth/principal';
import { ApiError } from '../common/api-error';
import { SCHEMA_VERSION } from './command-context';
import { derivedId } from './event-ids';
import { KeyedMutex } from './keyed-mutex';

const KEY = /^[\x21-\x7e]{1,200}$/;
const COMMAND_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const EXEMPT = Symbol('idempotency-exempt');
/** Fields of an answer that are shown once and never stored (a new API key's secret). */
const NEVER_STORED = ['apiKey'];

export const IDEMPOTENCY_STREAM_PREFIX = 'idempotency-';
export const ANSWERED_EVENT = 'IdempotentRequestAnswered';

/** The Idempotency-Key header of a request; undefined when absent, 400 when malformed. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !KEY.test(raw)) {
    throw new ApiError(400, 'INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1 to 200 visible ASCII characters');
  }
  return raw;
}

/** A route that takes no part (a streamed answer that cannot be stored and replayed, such as an analyst question). */
export const IdempotencyExempt = () => SetMetadata(EXEMPT, true);

/** Keys are per credential: two callers choosing the same Idempotency-Key never see each other's answers. */
export function idempotencyStream(kid: string, key: string): string {
  return `${IDEMPOTENCY_STREAM_PREFIX}${derivedId('idempotency', kid, key)}`;
}

/** JSON with object keys sorted, so that the same body written in another key order is the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** What makes two requests "the same request": method, path (with its ids) and body; an absent body is `{}`. */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  const normalised = body === undefined || body === null ? {} : body;
  return createHash('sha256').update(`${method.toUpperCase()} ${path}\n${canonical(normalised)}`).digest('hex');
}

interface Answered {
  method: string;
  path: string;
  fingerprint: string;
  status: number;
  body: unknown;
}

function storable(body: unknown): unknown {
  if (body === undefined) return null;
  const plain = JSON.parse(JSON.stringify(body)) as unknown;
  if (plain !== null && typeof plain === 'object' && !Array.isArray(plain)) {
    for (const field of NEVER_STORED) delete (plain as Record<string, unknown>)[field];
  }
  return plain;
}

/**
 * One Idempotency-Key mechanism for every command (every POST, PUT and DELETE of an authenticated caller): the
 * first successful answer is recorded in the log, in a stream of its own per (credential, key), with a
 * fingerprint of the request. A retry with the same key and the same request gets that answer back, status
 * included, and runs nothing; the same key with another request (another body, another path) is refused with
 * 422 IDEMPOTENCY_KEY_REUSED. Refusals are not recorded (a refused command appends nothing), so a retry after a
 * refusal runs again. Requests with one key queue behind each other in this process; the commands' own
 * deterministic event ids (derived from the key where a command has them) cover a crash between the command and
 * its record, and concurrent duplicates on other replicas.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
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
    const first = await this.answered(stream);
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

  private async answered(stream: string): Promise<Answered | null> {
    const [event] = await this.store.readStream(stream, { maxCount: 1 });
    return event ? (event.data as Answered) : null;
  }

  private async record(stream: string, answer: Answered, req: Request & AuthenticatedRequest): Promise<void> {
    try {
      await this.store.append(
        stream,
        [
          {
            type: ANSWERED_EVENT,
            data: answer,
            metadata: {
              eventId: derivedId(stream, ANSWERED_EVENT),
              correlationId: requestCorrelationId(req),
              causationId: null,
              actor: req.actor ?? req.principal?.actor ?? 'anonymous',
              occurredAt: this.clock.now(),
              schemaVersion: SCHEMA_VERSION,
            },
          },
        ],
        { expectedRevision: 'no_stream' },
      );
    } catch (error) {
      // Another replica answered the same key first: its record stands. Anything else: the command did happen, so
      // its answer still goes out; a retry then runs the command again, which its own event ids make harmless.
      if (!(error instanceof WrongExpectedVersionError)) this.logger.warn({ err: error, stream }, 'could not record an idempotent answer');
    }
  }
}
