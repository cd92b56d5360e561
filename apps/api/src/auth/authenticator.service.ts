import { systemWallClock } from '@robo/clock';
import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, AppConfig } from '@robo/runtime';
import { ApiError } from '../common/api-error';
import { looksLikeApiKey, parseApiKey, verifySecret, ApiKeyRecord, CREDENTIAL_STORE, CredentialStore, CredentialStoreUnavailableError, isRole, Role } from '@robo/credentials';
import { actorOf, Principal } from './principal';

export const TOKEN_ISSUER = 'robo-trader';
export const TOKEN_AUDIENCE = 'robo-trader-api';
const MAX_CREDENTIAL_LENGTH = 4096;
const VERIFIED_CACHE_LIMIT = 10_000;
/** How long a key record read before an outage of the credential store keeps authenticating its key. */
const STALE_GRACE_MS = 60_000;

interface AccessClaims {
  sub: string;
  role: Role;
  typ: 'access';
  /** Set by the signer from expiresIn (seconds since the epoch). */
  exp?: number;
}

export interface IssuedToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  kid: string;
  role: Role;
}

const unauthenticated = (code: string, message: string) => new ApiError(401, code, message);

/**
 * Turns a bearer credential (an access token, or an API key used directly) into a principal. The key record is
 * read on every request, so a revocation or a new grant applies at once; scrypt runs once per API key and process
 * (verified keys are remembered by their SHA-256), so using a key directly costs no more than a token, and a token's
 * signature is computed once (checked tokens are remembered until they expire).
 */
@Injectable()
export class Authenticator {
  private readonly verified = new Map<string, string>();
  /** Access tokens whose signature and claims were checked, by the token itself, until they expire. */
  private readonly checkedTokens = new Map<string, AccessClaims & { exp: number }>();
  private readonly lastKnown = new Map<string, { record: ApiKeyRecord; atMs: number }>();

  constructor(
    @Inject(CREDENTIAL_STORE) private readonly store: CredentialStore,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The value of an Authorization header (or a socket handshake token) to a principal; 401 ApiError otherwise. */
  async authenticate(authorization: string | undefined, { bearerScheme }: { bearerScheme: boolean }): Promise<Principal> {
    if (authorization === undefined || authorization === '') throw unauthenticated('UNAUTHENTICATED', 'a bearer token is required (Authorization: Bearer <token>)');
    let credential = authorization.trim();
    if (bearerScheme) {
      const match = /^Bearer\s+(\S+)$/i.exec(credential);
      if (!match) throw unauthenticated('INVALID_TOKEN', 'the Authorization header must be "Bearer <token>"');
      credential = match[1];
    }
    if (credential.length > MAX_CREDENTIAL_LENGTH) throw unauthenticated('INVALID_TOKEN', 'the token is not valid');
    return looksLikeApiKey(credential) ? this.fromApiKey(credential) : this.fromToken(credential);
  }

  /** POST /auth/token: an API key for a short-lived access token. */
  async issueToken(apiKey: string): Promise<IssuedToken> {
    const record = await this.verifyApiKey(apiKey);
    const ttl = this.config.authTokenTtlSeconds;
    const claims: AccessClaims = { sub: record.kid, role: record.role, typ: 'access' };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: ttl, issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE });
    return { accessToken, tokenType: 'Bearer', expiresIn: ttl, kid: record.kid, role: record.role };
  }

  /** The current principal of a key id (revoked keys and unknown ids are refused). */
  async principalFor(kid: string, claimedRole?: Role): Promise<Principal> {
    const record = await this.record(kid);
    if (!record) throw unauthenticated('INVALID_TOKEN', 'the token is not valid');
    if (record.revokedAt !== null) throw unauthenticated('KEY_REVOKED', 'this API key has been revoked');
    if (claimedRole !== undefined && claimedRole !== record.role) throw unauthenticated('INVALID_TOKEN', 'the token is not valid');
    return { kid: record.kid, name: record.name, role: record.role, accountIds: new Set(record.accountIds), actor: actorOf(record.kid) };
  }

  private async fromToken(token: string): Promise<Principal> {
    const claims = this.checkedToken(token) ?? (await this.verifyToken(token));
    const principal = await this.principalFor(claims.sub, claims.role);
    return typeof claims.exp === 'number' ? { ...principal, tokenExpiresAtMs: claims.exp * 1000 } : principal;
  }

  /**
   * A token checked before and not expired since: its signature need not be computed again. Expiry is judged as
   * jsonwebtoken judges it (whole seconds of the wall clock); an expired token goes through verification again,
   * which refuses it with TOKEN_EXPIRED.
   */
  private checkedToken(token: string): AccessClaims | null {
    const claims = this.checkedTokens.get(token);
    if (claims === undefined) return null;
    if (Math.floor(systemWallClock.nowMs() / 1000) < claims.exp) return claims;
    this.checkedTokens.delete(token);
    return null;
  }

  private async verifyToken(token: string): Promise<AccessClaims> {
    let claims: Partial<AccessClaims>;
    try {
      claims = await this.jwt.verifyAsync<AccessClaims>(token, { algorithms: ['HS256'], issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE });
    } catch (error) {
      if ((error as { name?: unknown }).name === 'TokenExpiredError') throw unauthenticated('TOKEN_EXPIRED', 'the access token has expired; get a new one from POST /auth/token');
      throw unauthenticated('INVALID_TOKEN', 'the token is not valid');
    }
    if (claims.typ !== 'access' || typeof claims.sub !== 'string' || !isRole(claims.role)) throw unauthenticated('INVALID_TOKEN', 'the token is not valid');
    // Only tokens that expire are kept (every token this api issues does).
    if (typeof claims.exp !== 'number') return { sub: claims.sub, role: claims.role, typ: 'access' };
    const checked = { sub: claims.sub, role: claims.role, typ: 'access' as const, exp: claims.exp };
    remember(this.checkedTokens, token, checked);
    return checked;
  }

  private async fromApiKey(apiKey: string): Promise<Principal> {
    const record = await this.verifyApiKey(apiKey);
    return this.principalFor(record.kid);
  }

  private async verifyApiKey(apiKey: string): Promise<ApiKeyRecord> {
    const invalid = unauthenticated('INVALID_API_KEY', 'the API key is not valid');
    const parsed = typeof apiKey === 'string' ? parseApiKey(apiKey) : null;
    if (!parsed) throw invalid;
    const record = await this.record(parsed.kid);
    if (!record) throw invalid;
    const digest = createHash('sha256').update(apiKey).digest('hex');
    if (this.verified.get(digest) !== parsed.kid) {
      const hash = await this.store.secretHash(parsed.kid);
      if (hash === null || !(await verifySecret(apiKey, hash))) throw invalid;
      remember(this.verified, digest, parsed.kid);
    }
    if (record.revokedAt !== null) throw unauthenticated('KEY_REVOKED', 'this API key has been revoked');
    return record;
  }

  /** Fresh from the store; during a short outage of the store, the last record read (bounded by STALE_GRACE_MS). */
  private async record(kid: string): Promise<ApiKeyRecord | null> {
    try {
      const record = await this.store.get(kid);
      if (record) this.lastKnown.set(kid, { record, atMs: systemWallClock.nowMs() });
      else this.lastKnown.delete(kid);
      return record;
    } catch (error) {
      const known = this.lastKnown.get(kid);
      if (error instanceof CredentialStoreUnavailableError && known && systemWallClock.nowMs() - known.atMs < STALE_GRACE_MS) return known.record;
      throw error;
    }
  }

}

/** Adds to a bounded map, dropping its oldest entry when full. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= VERIFIED_CACHE_LIMIT && !map.has(key)) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
  map.set(key, value);
}
