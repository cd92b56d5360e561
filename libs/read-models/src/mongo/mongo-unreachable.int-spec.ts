import { MongoReadModelStore } from './mongo-read-model-store';

/*
 * The real driver against a port where nothing listens: what the api and the projector see while MongoDB is down
 * or not started yet. No server is involved (and none is faked): calls fail as unavailable within the server
 * selection timeout instead of hanging, and a closed store says so.
 */
describe('MongoReadModelStore with an unreachable server', () => {
  let store: MongoReadModelStore;
  beforeEach(() => {
    store = MongoReadModelStore.connect({ url: 'mongodb://127.0.0.1:1/robo_test?directConnection=true', serverSelectionTimeoutMs: 300, pingTimeoutMs: 2000 });
  });
  afterEach(async () => {
    await store.close();
  });

  it('answers reads, writes, checkpoints and ping with READ_STORE_UNAVAILABLE (503)', async () => {
    const unavailable = expect.objectContaining({ code: 'READ_STORE_UNAVAILABLE' });
    await expect(store.ping()).rejects.toEqual(unavailable);
    await expect(store.ensureCollections([{ name: 'items', indexes: [['a']] }])).rejects.toEqual(unavailable);
    await expect(store.get('items', 'a')).rejects.toEqual(unavailable);
    await expect(store.find('items', { orderBy: { field: 'a', direction: 'asc' }, limit: 5 })).rejects.toEqual(unavailable);
    await expect(store.commit('p', [], 1n)).rejects.toEqual(unavailable);
    await expect(store.getCheckpoint('p')).rejects.toEqual(unavailable);
  });

  it('tries to connect again on every call (the driver alone would stay on "Topology is closed" after a failed first connect)', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const error = await store.getCheckpoint('p').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'READ_STORE_UNAVAILABLE' });
      expect((error as Error).message).not.toContain('Topology is closed');
      expect((error as Error).message).toMatch(/ECONNREFUSED|timed out/);
    }
  });

  it('still refuses a bad query as INVALID_QUERY before reaching for the server', async () => {
    await expect(store.find('items', { orderBy: { field: 'a', direction: 'asc' }, limit: 0 })).rejects.toMatchObject({ code: 'INVALID_QUERY' });
    await expect(store.get('bad-name', 'a')).rejects.toMatchObject({ code: 'INVALID_NAME' });
  });

  it('fails with READ_STORE_UNAVAILABLE once closed', async () => {
    await store.close();
    await expect(store.ping()).rejects.toMatchObject({ code: 'READ_STORE_UNAVAILABLE' });
    await expect(store.get('items', 'a')).rejects.toMatchObject({ code: 'READ_STORE_UNAVAILABLE' });
  });
});
