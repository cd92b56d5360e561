import { systemWallClock } from '@robo/clock';
import { accountStream, InvalidCommand, NotFound, RuleViolation } from '@robo/domain';
import type { EventStore } from '@robo/event-store';
import { appendEvents, rejectionError, WriteStep } from '@robo/write-path';
import { hashSecret, newApiKey, newKid } from './api-key';
import { CredentialEvent, credentialStream } from './credential-events';
import type { ApiKeyRecord, CredentialStore } from './credential-store.port';
import { isAccountScoped, Role } from './roles';

/** Who changes a key, copied into the credential event's metadata (the audit trail shows who granted what). */
export interface ChangedBy {
  actor: string;
  correlationId: string;
  causationId: string | null;
}

export interface CreatedKey {
  record: ApiKeyRecord;
  /** The only time the secret exists outside the caller's hands: print it once, never log it. */
  apiKey: string;
}

/**
 * The most accounts one key may be granted, however they are granted (an admin's grant, a key created with accounts,
 * a trader opening accounts). Lists page over the grants in groups, so any number up to this works.
 */
export const MAX_GRANTS = 5000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * Creates, lists and revokes API keys and their account grants, for the admin endpoints, the CLI and the first
 * start. The change is made in the credential store first (so it takes effect), then recorded as an event through
 * the write step, with an id derived from the change: repeating a revoke or a grant writes a missing event and never
 * a second one, and two changes of one key at once are both recorded, the loser of the race running again.
 */
export class KeyManager {
  constructor(
    private readonly store: CredentialStore,
    private readonly events: EventStore,
    private readonly now: () => string = systemWallClock.now,
    private readonly step: WriteStep = WriteStep.over(events),
  ) {}

  async create(input: { name: string; role: Role; accountIds?: readonly string[] }, by: ChangedBy): Promise<CreatedKey> {
    const accountIds = [...new Set(input.accountIds ?? [])];
    this.checkGrants(input.role, accountIds);
    await Promise.all(accountIds.map((id) => this.assertAccountExists(id)));
    const kid = newKid();
    const apiKey = newApiKey(kid);
    const createdAt = this.now();
    const stored = { kid, name: input.name, role: input.role, accountIds, secretHash: await hashSecret(apiKey), createdAt, createdBy: by.actor };
    if (!(await this.store.create(stored))) throw new Error(`key id ${kid} collided`);
    try {
      await this.record(kid, [{ type: 'ApiKeyCreated', data: { kid, name: input.name, role: input.role, accountIds } }], by, 'created');
    } catch (error) {
      // No key without its audit record: the caller never sees this secret, and the key is disabled at once.
      await this.store.revoke(kid, createdAt).catch(() => undefined);
      throw error;
    }
    return { record: { kid, name: input.name, role: input.role, accountIds, createdAt, createdBy: by.actor, revokedAt: null }, apiKey };
  }

  /**
   * The first admin key of an empty store; null when the store already holds a key (or another start bootstrapped
   * it at the same moment). Shown to the caller only once the store confirmed it.
   */
  async bootstrapAdmin(by: ChangedBy): Promise<CreatedKey | null> {
    const kid = newKid();
    const apiKey = newApiKey(kid);
    const createdAt = this.now();
    const name = 'bootstrap admin';
    const created = await this.store.createIfEmpty({ kid, name, role: 'admin', accountIds: [], secretHash: await hashSecret(apiKey), createdAt, createdBy: by.actor });
    if (!created) return null;
    await this.record(kid, [{ type: 'ApiKeyCreated', data: { kid, name, role: 'admin', accountIds: [] } }], by, 'created');
    // Confirmed only now, so a start that stopped before this point (a crash, the log unavailable) leaves a bootstrap
    // the next start takes over: its key was never shown.
    if (!(await this.store.confirmFirstKey(kid))) {
      await this.record(kid, [{ type: 'ApiKeyRevoked', data: { kid } }], by, 'revoked');
      return null;
    }
    return { record: { kid, name, role: 'admin', accountIds: [], createdAt, createdBy: by.actor, revokedAt: null }, apiKey };
  }

  list(): Promise<ApiKeyRecord[]> {
    return this.store.list();
  }

  async get(kid: string): Promise<ApiKeyRecord> {
    const record = await this.store.get(kid);
    if (!record) throw new NotFound('KEY_NOT_FOUND', `no API key ${kid}`, { kid });
    return record;
  }

  async revoke(kid: string, by: ChangedBy): Promise<ApiKeyRecord> {
    const record = await this.get(kid);
    if (record.revokedAt === null && record.role === 'admin' && (await this.store.countActive('admin')) <= 1) {
      throw new RuleViolation('LAST_ADMIN_KEY', 'this is the last active admin key: create another admin key before revoking it', { kid });
    }
    await this.store.revoke(kid, this.now());
    await this.record(kid, [{ type: 'ApiKeyRevoked', data: { kid } }], by, 'revoked');
    return this.get(kid);
  }

  async grant(kid: string, accountId: string, by: ChangedBy): Promise<ApiKeyRecord> {
    const record = await this.get(kid);
    this.checkGrants(record.role, [...new Set([...record.accountIds, accountId])]);
    if (record.revokedAt !== null) throw new RuleViolation('KEY_REVOKED', `API key ${kid} is revoked`, { kid });
    await this.assertAccountExists(accountId);
    await this.grantUnchecked(record, accountId, by);
    return this.get(kid);
  }

  /**
   * For a trader who just opened the account (no existence check: the account was just written). The grant is
   * recorded first, under an event id derived from the opening, so the store keeps one such event whatever the
   * retries: a retry of the opening completes a grant that a crash left half made (the event without the grant),
   * and never makes again a grant that was removed since (the event, then a revocation, is a grant that happened).
   */
  async grantOwnAccount(kid: string, role: Role, accountId: string, by: ChangedBy): Promise<void> {
    const stream = credentialStream(kid);
    const recorded = await this.record(kid, [{ type: 'AccountAccessGranted', data: { kid, accountId, role } }], by, `own-account|${accountId}`);
    if (recorded.retried) {
      const since = await this.events.readStream(stream, { fromRevision: recorded.revision + 1n });
      const removed = since.some((e) => e.type === 'ApiKeyRevoked' || (e.type === 'AccountAccessRevoked' && (e.data as { accountId?: unknown }).accountId === accountId));
      if (removed) return;
    }
    await this.store.grant(kid, accountId, this.now(), by.actor);
  }

  /**
   * The one grant cap, for every way of granting (an admin's grant, a key created with accounts, a trader opening
   * an account): refused before anything is written.
   */
  static assertRoomForGrant(granted: ReadonlySet<string> | readonly string[], accountId: string): void {
    const has = Array.isArray(granted) ? granted.includes(accountId) : (granted as ReadonlySet<string>).has(accountId);
    const size = Array.isArray(granted) ? granted.length : (granted as ReadonlySet<string>).size;
    if (!has && size >= MAX_GRANTS) throw new RuleViolation('TOO_MANY_GRANTS', `a key may be granted at most ${MAX_GRANTS} accounts`, { max: MAX_GRANTS });
  }

  async ungrant(kid: string, accountId: string, by: ChangedBy): Promise<ApiKeyRecord> {
    const record = await this.get(kid);
    if (!record.accountIds.includes(accountId)) throw new NotFound('GRANT_NOT_FOUND', `API key ${kid} has no grant on account ${accountId}`, { kid, accountId });
    const removed = await this.store.ungrant(kid, accountId);
    if (removed) {
      await this.record(kid, [{ type: 'AccountAccessRevoked', data: { kid, accountId, role: record.role } }], by, `ungrant|${accountId}|${removed.grantedAt}`);
    }
    return this.get(kid);
  }

  private async grantUnchecked(record: { kid: string; role: Role }, accountId: string, by: ChangedBy): Promise<void> {
    const { grantedAt } = await this.store.grant(record.kid, accountId, this.now(), by.actor);
    // The event id names this grant's lifetime: granting again records nothing new (or fills the gap a crash left),
    // while a grant removed and made again is a new event.
    await this.record(record.kid, [{ type: 'AccountAccessGranted', data: { kid: record.kid, accountId, role: record.role } }], by, `grant|${accountId}|${grantedAt}`);
  }

  private checkGrants(role: Role, accountIds: readonly string[]): void {
    const bad = accountIds.find((id) => !UUID.test(id));
    if (bad !== undefined) throw new InvalidCommand('INVALID_ACCOUNT_ID', `account id ${JSON.stringify(bad)} is not a UUID`);
    if (!isAccountScoped(role) && accountIds.length > 0) {
      throw new InvalidCommand('GRANT_NOT_APPLICABLE', `${role} keys act on every account; grants are for trader and viewer keys`, { role });
    }
    if (accountIds.length > MAX_GRANTS) throw new RuleViolation('TOO_MANY_GRANTS', `a key may be granted at most ${MAX_GRANTS} accounts`, { max: MAX_GRANTS });
  }

  private async assertAccountExists(accountId: string): Promise<void> {
    const [first] = await this.events.readStream(accountStream(accountId), { maxCount: 1 });
    if (!first) throw new NotFound('ACCOUNT_NOT_FOUND', `account ${accountId} does not exist`, { accountId });
  }

  /**
   * Records a change of the key on its stream, at the stream's head revision; the ids derive from the stream and
   * the change (`derivedId(stream, change, index)`), so a change recorded before is answered as a retry.
   */
  private async record(kid: string, events: CredentialEvent[], by: ChangedBy, change: string): Promise<RecordedChange> {
    const stream = credentialStream(kid);
    const outcome = await this.step.run({
      stream,
      // The decision reads nothing of the stream: the change was made and checked in the credential store.
      evolve: (count: number) => count + 1,
      initial: 0,
      headOnly: true,
      headPosition: false,
      ctx: { correlationId: by.correlationId, causationId: by.causationId, actor: by.actor },
      decide: () => appendEvents(events, this.now(), `${stream}|${change}`, null),
    });
    if (outcome.outcome === 'rejected') throw rejectionError(outcome);
    return { retried: outcome.outcome === 'already-done', revision: outcome.revision ?? 0n };
  }
}

/** A recorded change: whether its events were stored already (a retry), and the stream revision of the last one. */
interface RecordedChange {
  retried: boolean;
  revision: bigint;
}
