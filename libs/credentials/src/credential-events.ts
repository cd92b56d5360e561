import type { Role } from './roles';

/** Stream of one API key: who created it, what it was granted, when it was revoked. Never a secret or a hash. */
export const credentialStream = (kid: string): string => `credential-${kid}`;

/** Credential events are for admins and auditors only, though they name an account. */
export const isCredentialStream = (stream: string): boolean => stream.startsWith('credential-');

export type CredentialEvent =
  | { type: 'ApiKeyCreated'; data: { kid: string; name: string; role: Role; accountIds: string[] } }
  | { type: 'ApiKeyRevoked'; data: { kid: string } }
  /** accountId is a top-level field so the audit trail lists the grant under the account it opens. */
  | { type: 'AccountAccessGranted'; data: { kid: string; accountId: string; role: Role } }
  | { type: 'AccountAccessRevoked'; data: { kid: string; accountId: string; role: Role } };
