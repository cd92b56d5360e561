import { someEvents } from '../testing/test-events';
import { EsdbEventStore } from './esdb-event-store';

/*
 * The real client against a port where nothing listens: what the api and the projector see while EventStoreDB is
 * down or not started yet. No server is involved (and none is faked): every call must fail fast as unavailable,
 * and a subscription must keep retrying quietly until it is aborted.
 */
describe('EsdbEventStore with an unreachable server', () => {
  let store: EsdbEventStore;
  const reconnects: number[] = [];

  beforeEach(() => {
    reconnects.length = 0;
    store = EsdbEventStore.connect({
      url: 'esdb://127.0.0.1:1?tls=false',
      pingTimeoutMs: 2000,
      resubscribe: { initialMs: 20, maxMs: 80 },
      onReconnect: ({ delayMs }) => reconnects.push(delayMs),
    });
  });
  afterEach(async () => {
    await store.close();
  });

  it('answers every call with STORE_UNAVAILABLE (503), appending nothing', async () => {
    await expect(store.ping()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(store.append('order-1', someEvents(1), { expectedRevision: 'no_stream' })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(store.readStream('order-1')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(store.readAll()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(store.headPosition()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(store.waitForEventsAfter(0n, { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('still validates input first: a malformed append is INVALID_APPEND, not unavailable', async () => {
    await expect(store.append('', someEvents(1), { expectedRevision: 'any' })).rejects.toMatchObject({ code: 'INVALID_APPEND' });
    await expect(store.append('$system', someEvents(1), { expectedRevision: 'any' })).rejects.toMatchObject({ code: 'INVALID_APPEND' });
    await expect(store.append('robo-event-id-x', someEvents(1), { expectedRevision: 'any' })).rejects.toMatchObject({ code: 'INVALID_APPEND' });
  });

  it('keeps a subscription retrying with bounded backoff, delivering nothing, until aborted', async () => {
    const controller = new AbortController();
    const seen: unknown[] = [];
    const done = (async () => {
      for await (const event of store.subscribeToAll({ signal: controller.signal })) seen.push(event);
    })();
    // Until the backoff has doubled up to its cap and stayed there: counted reconnects, not elapsed time.
    while (reconnects.length < 4) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    await done; // the abort ends it (a subscription that ignored it would hang the test until its timeout)
    expect(seen).toEqual([]);
    expect(reconnects.length).toBeGreaterThanOrEqual(3);
    expect(reconnects.slice(0, 3)).toEqual([20, 40, 80]);
    expect(Math.max(...reconnects)).toBe(80);
  });

  it('builds every kind of server-side filter the client accepts (types, prefixes, none)', async () => {
    for (const filter of [{ eventTypes: ['OrderFilled', 'Order.Partially(Filled)'] }, { streamPrefixes: ['order-', 'account-'] }, {}]) {
      const controller = new AbortController();
      const done = (async () => {
        for await (const event of store.subscribeToAll({ filter, signal: controller.signal })) void event;
      })();
      await new Promise((resolve) => setTimeout(resolve, 50));
      controller.abort();
      await expect(done).resolves.toBeUndefined();
    }
  });

  it('fails with STORE_UNAVAILABLE once closed', async () => {
    await store.close();
    await expect(store.ping()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(store.waitForEventsAfter(0n, { timeoutMs: 10 })).resolves.toBe(false);
  });
});
