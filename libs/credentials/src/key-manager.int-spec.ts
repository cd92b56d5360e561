import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteEventStore } from '@robo/event-store';
import { derivedId } from '@robo/write-path';
import { credentialStream } from './credential-events';
import type { CredentialStore } from './credential-store.port';
import { KeyManager, MAX_GRANTS } from './key-manager';
import { SqliteCredentialStore } from './sqlite-credential-store';

const BY = { actor: 'key:trader', correlationId: 'open-1', causationId: null };
const ACCOUNT = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

describe('KeyManager: the grant of an account its trader opened', () => {
  let dir: string;
  let store: SqliteCredentialStore;
  let events: SqliteEventStore;
  let keys: KeyManager;
  let kid: string;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'key-manager-'));
    store = SqliteCredentialStore.open({ file: path.join(dir, 'auth.db') });
    events = SqliteEventStore.open({ file: path.join(dir, 'events.db') });
    keys = new KeyManager(store, events);
    kid = (await keys.create({ name: 'desk', role: 'trader' }, BY)).record.kid;
  });
  afterEach(async () => {
    await events.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const types = async () => (await events.readStream(credentialStream(kid))).map((e) => e.type);

  it('is made once: a retry of the opening after an admin removed it does not make it again', async () => {
    await keys.grantOwnAccount(kid, 'trader', ACCOUNT, BY);
    expect((await keys.get(kid)).accountIds).toEqual([ACCOUNT]);
    await keys.ungrant(kid, ACCOUNT, { actor: 'key:admin', correlationId: 'ungrant', causationId: null });
    await keys.grantOwnAccount(kid, 'trader', ACCOUNT, BY);
    expect((await keys.get(kid)).accountIds).toEqual([]);
    expect(await types()).toEqual(['ApiKeyCreated', 'AccountAccessGranted', 'AccountAccessRevoked']);
  });

  it('is completed by a retry when a crash left the event recorded and the grant unmade', async () => {
    // The credential store fails once after the event was appended (a crash between the two writes).
    const failing: CredentialStore = Object.create(store, {
      grant: { value: () => Promise.reject(new Error('crash between the event and the grant')) },
    });
    await expect(new KeyManager(failing, events).grantOwnAccount(kid, 'trader', ACCOUNT, BY)).rejects.toThrow('crash');
    expect((await keys.get(kid)).accountIds).toEqual([]);
    await keys.grantOwnAccount(kid, 'trader', ACCOUNT, BY);
    expect((await keys.get(kid)).accountIds).toEqual([ACCOUNT]);
    expect(await types()).toEqual(['ApiKeyCreated', 'AccountAccessGranted']);
  });

  it('counts toward the one grant cap, like an admin grant', () => {
    const full = Array.from({ length: MAX_GRANTS }, (_, i) => `acc-${i}`);
    expect(() => KeyManager.assertRoomForGrant(full, ACCOUNT)).toThrow(expect.objectContaining({ code: 'TOO_MANY_GRANTS' }));
    expect(() => KeyManager.assertRoomForGrant(full, 'acc-7')).not.toThrow();
    expect(() => KeyManager.assertRoomForGrant(full.slice(1), ACCOUNT)).not.toThrow();
  });
});

describe('KeyManager records every change through the write step', () => {
  let dir: string;
  let store: SqliteCredentialStore;
  let events: SqliteEventStore;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'key-manager-step-'));
    store = SqliteCredentialStore.open({ file: path.join(dir, 'auth.db') });
    events = SqliteEventStore.open({ file: path.join(dir, 'events.db') });
  });
  afterEach(async () => {
    await events.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs again at the new head when another writer appended to the key stream first, and records both', async () => {
    const kid = (await new KeyManager(store, events).create({ name: 'desk', role: 'trader' }, BY)).record.kid;
    const stream = credentialStream(kid);
    // The key manager's view of the log: right after its first read of the stream's head, another process records
    // a change of the same key, so the append at that head loses the race.
    let headReads = 0;
    const racing = new Proxy(events, {
      get(target, prop) {
        if (prop !== 'readStream') {
          const value = Reflect.get(target, prop) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return async (...args: Parameters<SqliteEventStore['readStream']>) => {
          const read = await target.readStream(...args);
          if (args[0] === stream && args[1]?.direction === 'backwards' && ++headReads === 1) {
            const metadata = { eventId: derivedId('other-process'), correlationId: 'other', causationId: null, actor: 'key:other', occurredAt: '2026-11-20T04:30:00.000Z', schemaVersion: 1 };
            await target.append(stream, [{ type: 'AccountAccessGranted', data: { kid, accountId: 'acc-other', role: 'trader' }, metadata }], { expectedRevision: 'any' });
          }
          return read;
        };
      },
    });
    await new KeyManager(store, racing).grantOwnAccount(kid, 'trader', ACCOUNT, BY);
    expect((await store.get(kid))?.accountIds).toEqual([ACCOUNT]);
    const recorded = await events.readStream(stream);
    expect(recorded.map((e) => [e.streamRevision, e.metadata.actor])).toEqual([
      [0n, 'key:trader'],
      [1n, 'key:other'],
      [2n, 'key:trader'],
    ]);
    expect(headReads).toBe(2);
  });

  it('answers a change recorded before as a retry, under the ids it always had', async () => {
    const keys = new KeyManager(store, events);
    const kid = (await keys.create({ name: 'desk', role: 'trader' }, BY)).record.kid;
    await keys.grantOwnAccount(kid, 'trader', ACCOUNT, BY);
    await keys.grantOwnAccount(kid, 'trader', ACCOUNT, BY);
    const stream = credentialStream(kid);
    const recorded = await events.readStream(stream);
    expect(recorded.map((e) => e.metadata.eventId)).toEqual([derivedId(stream, 'created', '0'), derivedId(stream, `own-account|${ACCOUNT}`, '0')]);
  });

  it('leaves the next start a first admin key when the first start stopped before showing its key', async () => {
    const admin = { actor: 'system:bootstrap', correlationId: 'bootstrap', causationId: null };
    // The log refuses the key's event: the first start fails after the store created its key, which nobody saw.
    const refusing = new Proxy(events, {
      get(target, prop) {
        if (prop === 'append') return () => Promise.reject(new Error('log unavailable'));
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await expect(new KeyManager(store, refusing).bootstrapAdmin(admin)).rejects.toThrow('log unavailable');
    const next = await new KeyManager(store, events).bootstrapAdmin(admin);
    expect(next).not.toBeNull();
    expect(await store.countActive('admin')).toBe(1);
    expect((await store.get(next!.record.kid))?.revokedAt).toBeNull();
    // And the bootstrap is over: a third start makes none.
    expect(await new KeyManager(store, events).bootstrapAdmin(admin)).toBeNull();
  });
});
