import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerOptions, InjectThrottlerStorage, ThrottlerGuard, ThrottlerLimitDetail, type ThrottlerModuleOptions, type ThrottlerStorage } from '@nestjs/throttler';
import type { Request } from 'express';
import { ApiError } from '../common/api-error';
import { Authenticator } from './authenticator.service';
import { identify } from './request-identity';
import { PUBLIC_KEY } from './roles.decorator';

/**
 * Rate limit per credential: the key id when the request authenticates, the client address otherwise (so that
 * guessing tokens or keys is limited too). One budget per credential across every route (the package counts per
 * route by default, which multiplies the limit by the number of routes). Runs before the AuthGuard; both share one
 * authentication per request.
 */
@Injectable()
export class CredentialThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(Authenticator) private readonly authenticator: Authenticator,
  ) {
    super(options, storage, reflector);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return context.getType() !== 'http';
  }

  /** The count's key: the credential (or address) alone, never the route. */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}|${tracker}`;
  }

  protected override async getTracker(req: Record<string, unknown>, context?: ExecutionContext): Promise<string> {
    const request = req as unknown as Request;
    const address = `ip:${request.ip ?? request.socket?.remoteAddress ?? 'unknown'}`;
    const isPublic = context ? this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [context.getHandler(), context.getClass()]) : false;
    if (isPublic) return address;
    return identify(request, this.authenticator).then(
      (principal) => `key:${principal.kid}`,
      () => address,
    );
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new ApiError(429, 'RATE_LIMITED', `too many requests: at most ${detail.limit} per ${Math.round(detail.ttl / 1000)} s for this credential`, {
      limit: detail.limit,
      retryAfterSeconds: detail.timeToBlockExpire,
    });
  }
}
