/**
 * trader: commands and queries on the accounts granted to the key; viewer: reads of granted accounts;
 * auditor: reads of every account, the audit trail and the log, no commands; admin: everything, plus halts,
 * risk limits, projection rebuilds and key management.
 */
export const ROLES = ['trader', 'viewer', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Roles whose keys see only the accounts granted to them. */
export function isAccountScoped(role: Role): role is 'trader' | 'viewer' {
  return role === 'trader' || role === 'viewer';
}

export const COMMAND_ROLES: readonly Role[] = ['trader', 'admin'];
export const ALL_ROLES: readonly Role[] = ROLES;
