import type { CredentialStore, NewApiKey } from '../credential-store.port';
import { itOrSkip } from '@robo/runtime/testing/skip';

/** A key as KeyManager would store it (the hash is opaque to the store). */
export function newKey(kid: string, over: Partial<NewApiKey> = {}): NewApiKey {
  return { kid, name: `key ${kid}`, role: 'trader', accountIds: [], secretHash: `hash-of-${kid}`, createdAt: '2026-11-20T04:30:00.000Z', createdBy: 'key:admin', ...over };
}

/** Cases of the contract that a server may be unable to run (see CredentialContractOptions). */
export type CredentialContractCase = 'grantOnce';

export interface CredentialContractOptions {
  /**
   * Cases this server cannot pass for a reason of its own, not of the adapter's (FerretDB, see docs/production.md):
   * each is skipped with its reason printed. The adapter must still pass them on the server it is meant for.
   */
  unsupported?: Partial<Record<CredentialContractCase, string>>;
}

/** One empty storage (a file, a database) that stores can be opened on again, as the api's starts open it. */
export interface CrashableStorage {
  /** A store on this storage whose `n`-th write (1-based, counted from its opening) fails as if the process died there. */
  crashingAt(n: number): CredentialStore;
  /** A store on the same storage, as the next start opens it. */
  reopen(): CredentialStore;
  dispose(): Promise<void>;
}

/** A start's bootstrap of the first key, as the key manager runs it: create, then confirm (the secret is shown after). */
export async function bootstrap(store: CredentialStore, kid: string, createdAt?: string): Promise<boolean> {
  if (!(await store.createIfEmpty(newKey(kid, { role: 'admin', ...(createdAt === undefined ? {} : { createdAt }) })))) return false;
  return store.confirmFirstKey(kid);
}

/** Counts the writes of a store and throws at the `n`-th, as a crash at that point would end the call. */
export function crashCounter(n: number): () => void {
  let writes = 0;
  return () => {
    writes += 1;
    if (writes === n) throw new Error(`crashed at write ${n}`);
  };
}

/**
 * What every CredentialStore must do, SQLite or MongoDB. The factory returns a fresh, empty store per test; the
 * suite closes it afterwards. With `crashable`, the first start's bootstrap is also crashed at each of its writes.
 */
export function credentialStoreContract(
  name: string,
  factory: () => Promise<CredentialStore> | CredentialStore,
  crashable?: () => Promise<CrashableStorage> | CrashableStorage,
  options: CredentialContractOptions = {},
): void {
  /** `it`, or `it.skip` with the reason printed when the case is unsupported. */
  const itCase = (key: CredentialContractCase, title: string, fn: () => Promise<void>): void => itOrSkip(options.unsupported?.[key], `CredentialStore contract (${name})`)(title, fn);

  describe(`CredentialStore contract: ${name}`, () => {
    let store: CredentialStore;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    it('creates a key once, reads it back with its grants, and keeps its hash apart', async () => {
      expect(await store.create(newKey('k1', { accountIds: ['acc-b', 'acc-a'] }))).toBe(true);
      expect(await store.create(newKey('k1', { name: 'again' }))).toBe(false);
      expect(await store.get('k1')).toEqual({
        kid: 'k1',
        name: 'key k1',
        role: 'trader',
        accountIds: ['acc-a', 'acc-b'],
        createdAt: '2026-11-20T04:30:00.000Z',
        createdBy: 'key:admin',
        revokedAt: null,
      });
      expect(await store.secretHash('k1')).toBe('hash-of-k1');
      expect(await store.get('nope')).toBeNull();
      expect(await store.secretHash('nope')).toBeNull();
    });

    it('bootstraps the first key only into an empty store, once however many starts race', async () => {
      const answers = await Promise.all([bootstrap(store, 'a1'), bootstrap(store, 'a2')]);
      expect(answers.filter(Boolean)).toHaveLength(1);
      expect(await store.createIfEmpty(newKey('a3', { role: 'admin' }))).toBe(false);
      expect(await store.countActive('admin')).toBe(1);
      expect((await store.get(answers[0] ? 'a1' : 'a2'))?.revokedAt).toBeNull();
    });

    it('takes over a bootstrap whose start stopped before confirming its key (never shown), and confirms only its own', async () => {
      expect(await store.createIfEmpty(newKey('a1', { role: 'admin' }))).toBe(true);
      // The start stops here (a crash, or the log refused the key's event): a1 is not confirmed.
      expect(await store.createIfEmpty(newKey('a2', { role: 'admin' }))).toBe(true);
      expect(await store.confirmFirstKey('a2')).toBe(true);
      expect(await store.confirmFirstKey('a1')).toBe(false);
      expect(await store.countActive('admin')).toBe(1);
      expect((await store.get('a2'))?.revokedAt).toBeNull();
      expect(await store.createIfEmpty(newKey('a3', { role: 'admin' }))).toBe(false);
    });

    it('does not bootstrap into a store that already holds a key', async () => {
      await store.create(newKey('k1'));
      expect(await store.createIfEmpty(newKey('a1', { role: 'admin' }))).toBe(false);
      expect((await store.list()).map((k) => k.kid)).toEqual(['k1']);
    });

    it('lists keys by creation time, then kid', async () => {
      await store.create(newKey('k2', { createdAt: '2026-11-20T05:00:00.000Z' }));
      await store.create(newKey('k3', { createdAt: '2026-11-20T04:00:00.000Z' }));
      await store.create(newKey('k1', { createdAt: '2026-11-20T05:00:00.000Z', accountIds: ['x'] }));
      expect((await store.list()).map((k) => [k.kid, k.accountIds])).toEqual([
        ['k3', []],
        ['k1', ['x']],
        ['k2', []],
      ]);
    });

    it('revokes once, and counts only active keys of a role', async () => {
      await store.create(newKey('a1', { role: 'admin' }));
      await store.create(newKey('a2', { role: 'admin' }));
      await store.create(newKey('t1'));
      expect(await store.countActive('admin')).toBe(2);
      expect(await store.revoke('a1', '2026-11-21T00:00:00.000Z')).toBe(true);
      expect(await store.revoke('a1', '2026-11-22T00:00:00.000Z')).toBe(false);
      expect(await store.revoke('nope', '2026-11-22T00:00:00.000Z')).toBe(false);
      expect((await store.get('a1'))?.revokedAt).toBe('2026-11-21T00:00:00.000Z');
      expect(await store.countActive('admin')).toBe(1);
      expect(await store.countActive('trader')).toBe(1);
      expect(await store.countActive('viewer')).toBe(0);
    });

    itCase('grantOnce', 'grants once (answering when the standing grant was made) and removes a grant once', async () => {
      await store.create(newKey('t1', { accountIds: ['acc-1'] }));
      expect(await store.grant('t1', 'acc-2', '2026-11-21T00:00:00.000Z', 'key:admin')).toEqual({ grantedAt: '2026-11-21T00:00:00.000Z' });
      expect(await store.grant('t1', 'acc-2', '2026-11-22T00:00:00.000Z', 'key:admin')).toEqual({ grantedAt: '2026-11-21T00:00:00.000Z' });
      expect(await store.grant('t1', 'acc-1', '2026-11-22T00:00:00.000Z', 'key:admin')).toEqual({ grantedAt: '2026-11-20T04:30:00.000Z' });
      expect((await store.get('t1'))?.accountIds).toEqual(['acc-1', 'acc-2']);
      expect(await store.ungrant('t1', 'acc-1')).toEqual({ grantedAt: '2026-11-20T04:30:00.000Z' });
      expect(await store.ungrant('t1', 'acc-1')).toBeNull();
      expect(await store.ungrant('nope', 'acc-1')).toBeNull();
      expect((await store.get('t1'))?.accountIds).toEqual(['acc-2']);
    });

    it('refuses a grant to a key that does not exist, and stores nothing', async () => {
      // Matched by shape: the driver's own error class may come from another module realm than the test's Error.
      await expect(store.grant('nope', 'acc-1', '2026-11-21T00:00:00.000Z', 'key:admin')).rejects.toMatchObject({ message: expect.any(String) });
      expect(await store.get('nope')).toBeNull();
    });

    itOrSkip(!crashable && 'the adapter gives no crashable storage', `CredentialStore contract (${name})`)('ends the next start with exactly one admin key obtainable, whatever write of the first start crashed', async () => {
      let crashes = 0;
      // Past the bootstrap's last write the first start succeeds; six covers every write of both stores'
      // createIfEmpty and confirmFirstKey.
      for (let n = 1; n <= 6; n += 1) {
        const storage = await crashable!();
        try {
          const first = storage.crashingAt(n);
          const answered = await bootstrap(first, 'first', '2026-11-20T04:30:00.000Z').catch((error: unknown) => error as Error);
          await first.close();
          const next = storage.reopen();
          try {
            const again = await bootstrap(next, 'second', '2026-11-20T04:31:00.000Z');
            if (typeof answered !== 'boolean') {
              crashes += 1;
              // The first start never answered, so its key was never shown: the next start makes the one admin key.
              expect({ n, again }).toEqual({ n, again: true });
              expect((await next.get('second'))?.revokedAt).toBeNull();
            } else {
              expect({ n, answered, again }).toEqual({ n, answered: true, again: false });
              expect((await next.get('first'))?.revokedAt).toBeNull();
            }
            expect({ n, active: await next.countActive('admin') }).toEqual({ n, active: 1 });
          } finally {
            await next.close();
          }
        } finally {
          await storage.dispose();
        }
      }
      expect(crashes).toBeGreaterThan(0);
    });

    it('answers ping while open and CREDENTIAL_STORE_UNAVAILABLE once closed', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expect(store.get('k1')).rejects.toMatchObject({ code: 'CREDENTIAL_STORE_UNAVAILABLE' });
    });
  });
}
