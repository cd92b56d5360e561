import type { Role } from './roles';

export const CREDENTIAL_STORE = Symbol('CREDENTIAL_STORE');

/** What the api knows about a key; never the secret, and outside the store never its hash either. */
export interface ApiKeyRecord {
  kid: string;
  name: string;
  role: Role;
  /** Accounts granted to a trader or viewer key (empty for admin and auditor, who see every account). */
  accountIds: string[];
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
}

export interface NewApiKey {
  kid: string;
  name: string;
  role: Role;
  accountIds: readonly string[];
  secretHash: string;
  createdAt: string;
  createdBy: string;
}

/**
 * Where API keys live: a salted hash per key, its role and its account grants. Every method throws
 * CredentialStoreUnavailableError when the storage cannot be used; the store re-opens on the next call.
 */
export interface CredentialStore {
  /** False when the kid exists already. */
  create(key: NewApiKey): Promise<boolean>;
  /**
   * The first key of a store, step one: creates `key` as the pending first key when the store holds no key but an
   * unfinished bootstrap's (a pending first key never confirmed, left by a start that stopped before it could show
   * it: taken away here). False when the store holds a key or its bootstrap was confirmed.
   */
  createIfEmpty(key: NewApiKey): Promise<boolean>;
  /**
   * Step two, once the key's creation is recorded and before its secret is shown: ends the bootstrap. True when `kid`
   * is still the pending first key; false when another start took the bootstrap over (then that start's key stands
   * and this one is gone or revoked). Of starts racing through both steps, exactly one is answered true.
   */
  confirmFirstKey(kid: string): Promise<boolean>;
  get(kid: string): Promise<ApiKeyRecord | null>;
  /** The stored hash, for verification only. */
  secretHash(kid: string): Promise<string | null>;
  list(): Promise<ApiKeyRecord[]>;
  /** True when this call revoked it (false: unknown or already revoked). */
  revoke(kid: string, at: string): Promise<boolean>;
  /** Adds the grant if missing; returns when the grant (new or existing) was made, which names its lifetime. */
  grant(kid: string, accountId: string, at: string, by: string): Promise<{ grantedAt: string }>;
  /** Removes the grant; returns when it had been made, or null when there was none. */
  ungrant(kid: string, accountId: string): Promise<{ grantedAt: string } | null>;
  /** Active (not revoked) keys with this role. */
  countActive(role: Role): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The credential store cannot be read or written (file gone, disk full, locked). Maps to 503. */
export class CredentialStoreUnavailableError extends Error {
  readonly code = 'CREDENTIAL_STORE_UNAVAILABLE';
  constructor(message: string, public override readonly cause?: unknown) {
    super(message);
    this.name = 'CredentialStoreUnavailableError';
  }
}
