import type { Request } from 'express';
import type { Authenticator } from './authenticator.service';
import type { AuthenticatedRequest, Principal } from './principal';

const ATTEMPT = Symbol('authAttempt');
type WithAttempt = Request & AuthenticatedRequest & { [ATTEMPT]?: Promise<Principal> };

/**
 * Authenticates a request once, however many guards ask (the rate limiter needs the key id to count per
 * credential, the auth guard needs the principal or the reason it failed).
 */
export function identify(req: Request, authenticator: Authenticator): Promise<Principal> {
  const r = req as WithAttempt;
  r[ATTEMPT] ??= authenticator.authenticate(r.headers.authorization, { bearerScheme: true }).then((principal) => {
    r.principal = principal;
    r.actor = principal.actor;
    return principal;
  });
  return r[ATTEMPT];
}
