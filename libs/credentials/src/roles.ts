/**
 * trader: commands and queries on the accounts granted to the key; viewer: reads of granted accounts;
 * auditor: reads of every account, the audit trail and the log, no commands; admin: everything, plus halts,
 * risk limits, projection rebuilds and key management; broker: a service credential that reports executions
 * (fills and stop triggers) on the orders of every account, and reads nothing.
 */
export const ROLES = ['trader', 'viewer', 'auditor', 'admin', 'broker'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Roles whose keys see only the accounts granted to them. */
export function isAccountScoped(role: Role): role is 'trader' | 'viewer' {
  return role === 'trader' || role === 'viewer';
}

export const COMMAND_ROLES: readonly Role[] = ['trader', 'admin'];
/** Who may report executions (fills, triggers): the broker that made them, or an admin. Never the trader. */
export const EXECUTION_ROLES: readonly Role[] = ['broker', 'admin'];
/** Every role that reads: all but the broker, whose key only reports executions. */
export const READ_ROLES: readonly Role[] = ['trader', 'viewer', 'auditor', 'admin'];
/** The operators: they see the whole log (its head, credential events, other principals' correlations). */
export const OPERATOR_ROLES: readonly Role[] = ['auditor', 'admin'];
