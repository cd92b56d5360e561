import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Role } from '@robo/credentials';

/** The authenticated caller of one request (or one socket). */
export interface Principal {
  kid: string;
  name: string;
  role: Role;
  /** Granted accounts; meaningful for trader and viewer keys only. */
  accountIds: ReadonlySet<string>;
  /** What goes into event metadata: the key id, never a secret. */
  actor: string;
  /** When the access token it was read from expires (epoch ms); absent when an API key was used directly. */
  tokenExpiresAtMs?: number;
}

export const actorOf = (kid: string): string => `key:${kid}`;

/** Set on the request by the authentication step; read by guards, the command context and controllers. */
export interface AuthenticatedRequest {
  principal?: Principal;
  actor?: string;
}

/** The caller of the current request; the global AuthGuard guarantees one on every non-public route. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('no principal on a protected route: is the route missing from the AuthGuard?');
  return principal;
});
