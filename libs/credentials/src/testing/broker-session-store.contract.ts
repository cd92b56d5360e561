import type { BrokerSessionStore, StoredBrokerSession } from '../broker-session-store.port';

/** One empty storage (a file, a database) that stores can be opened on again, as the api and the CLI open it. */
export interface BrokerSessionStorage {
  open(): BrokerSessionStore;
  dispose(): Promise<void>;
}

const session = (over: Partial<StoredBrokerSession> = {}): StoredBrokerSession => ({
  broker: 'kite',
  sealedToken: 'v1:sealed-token-1',
  userId: 'AB1234',
  loggedInAt: '2026-12-07T03:40:00.000Z',
  expiresAt: '2026-12-08T00:30:00.000Z',
  ...over,
});

/** What every broker-session store adapter must do (SQLite, MongoDB). */
export function brokerSessionStoreContract(name: string, storage: () => Promise<BrokerSessionStorage>): void {
  describe(`${name}: the broker-session store contract`, () => {
    let s: BrokerSessionStorage;
    beforeEach(async () => {
      s = await storage();
    });
    afterEach(() => s.dispose());

    it('keeps the last session of each broker: a login replaces the previous one, other brokers apart', async () => {
      const store = s.open();
      try {
        expect(await store.load('kite')).toBeNull();
        await store.save(session());
        await store.save(session({ broker: 'upstox', sealedToken: 'v1:other', userId: null }));
        expect(await store.load('kite')).toEqual(session());
        const next = session({ sealedToken: 'v1:sealed-token-2', userId: null, loggedInAt: '2026-12-08T03:35:00.000Z', expiresAt: '2026-12-09T00:30:00.000Z' });
        await store.save(next);
        expect(await store.load('kite')).toEqual(next);
        expect(await store.load('upstox')).toEqual(session({ broker: 'upstox', sealedToken: 'v1:other', userId: null }));
      } finally {
        await store.close();
      }
    });

    it('shows a session saved by one opening (the CLI) to another (the api), as stored', async () => {
      const cli = s.open();
      const api = s.open();
      try {
        await cli.save(session());
        expect(await api.load('kite')).toEqual(session());
        // A refused token ends the session early: the expiry is brought forward, the rest unchanged.
        await api.save(session({ expiresAt: '2026-12-07T05:00:00.000Z' }));
        expect((await cli.load('kite'))?.expiresAt).toBe('2026-12-07T05:00:00.000Z');
      } finally {
        await cli.close();
        await api.close();
      }
    });
  });
}
