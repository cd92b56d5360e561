import { SetMetadata } from '@nestjs/common';
import type { Role } from '@robo/credentials';

export const ROLES_KEY = 'robo:roles';
export const PUBLIC_KEY = 'robo:public';

/**
 * The roles allowed to call a route (account-level checks come on top, in the controller). A route without this
 * decorator is admin-only: a new endpoint is protected until someone decides otherwise.
 */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** No credential needed (health probes, token exchange). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
