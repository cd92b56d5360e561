import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiError } from '../common/api-error';
import { Authenticator } from './authenticator.service';
import { identify } from './request-identity';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';
import type { Role } from '@robo/credentials';

/**
 * Global: every HTTP route needs a valid bearer credential unless marked @Public(), and the caller's role must be
 * listed in the route's @Roles() (a route without @Roles() is admin-only). Which accounts a caller may touch is
 * checked by the controller (AccessService), once the ids in the request have been validated.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // socket.io connections are authenticated by the gateway's handshake middleware.
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const principal = await identify(context.switchToHttp().getRequest<Request>(), this.authenticator);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? ['admin'];
    if (!roles.includes(principal.role)) {
      throw new ApiError(403, 'FORBIDDEN', `the ${principal.role} role may not do this`, { role: principal.role, allowed: roles });
    }
    return true;
  }
}
