import type { EventEnvelope } from '../envelope';
import { DuplicateEventIdError, WrongExpectedVersionError } from '../errors';
import { eventStoreContract } from '../testing/event-store.contract';
import { eventually, idsOf, newEvent, rejectionOf, someEvents, within } from '../testing/test-events';
import type { SqliteEventStore } from './sqlite-event-store';
import { TempStores, WRITER_MODES } from './testing/temp-stores';

eventStoreContract('sqlite', async () => {
  const temp = new TempStores();
  return { store: temp.open(), cleanup: () => temp.cleanup() };
});

eventStoreContract('sqlite, writer and checkpoint threads', async () => {
  const temp = new TempStores({ writerThread: true, checkpointThread: true });
  return { store: temp.open(), cleanup: () => temp.cleanup() };
});

describe.each(WRITER_MODES)('SqliteEventStore (SQLite specifics), writing $mode', ({ options }) => {
  let temp: TempStores;
  beforeEach(() => {
    temp = new TempStores(options);
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  const delta = (store: SqliteEventStore, before: ReturnType<SqliteEventStore['stats']>) => {
    const now = store.stats();
    return { transactions: now.transactions - before.transactions, appends: now.appends - before.appends, events: now.events - before.events };
  };

  it('starts empty at position 0 and numbers the log from 1', async () => {
    const store = temp.open();
    expect(await store.headPosition()).toBe(0n);
    expect(await store.readAll()).toEqual([]);
    const result = await store.append('account-1', someEvents(2), { expectedRevision: 'no_stream' });
    expect(result).toEqual({ nextExpectedRevision: 1n, lastGlobalPosition: 2n, idempotent: false }); // positions 1 and 2
    expect(await store.headPosition()).toBe(2n);
  });

  describe('group commit', () => {
    it('writes 64 appends issued in one turn in a single transaction', async () => {
      const store = temp.open();
      const before = store.stats();
      const results = await Promise.all(
        Array.from({ length: 64 }, (_, i) => store.append(`order-${i}`, someEvents(1), { expectedRevision: 'no_stream' })),
      );
      expect(delta(store, before)).toEqual({ transactions: 1, appends: 64, events: 64 });
      expect(results.map((r) => r.lastGlobalPosition).sort((a, b) => Number(a - b))).toEqual(
        Array.from({ length: 64 }, (_, i) => BigInt(i + 1)),
      );
    });

    it('rejects only the failing calls of a group; the others commit, in submission order', async () => {
      const store = temp.open();
      const taken = newEvent('TestHappened', { n: 0 });
      await store.append('taken', [taken], { expectedRevision: 'no_stream' });
      const before = store.stats();

      const a = someEvents(1);
      const calls = [
        store.append('a', a, { expectedRevision: 'no_stream' }),
        store.append('b', someEvents(1), { expectedRevision: 5n }), // conflict: b does not exist
        store.append('a', someEvents(1), { expectedRevision: 0n }), // sees the first call of the group
        store.append('c', [taken], { expectedRevision: 'any' }), // id already stored in 'taken'
        store.append('a', a, { expectedRevision: 'no_stream' }), // retry of the first call: idempotent
      ];
      const [first, conflict, second, duplicate, retry] = await Promise.allSettled(calls);

      expect(delta(store, before)).toEqual({ transactions: 1, appends: 3, events: 2 });
      expect(first).toEqual({ status: 'fulfilled', value: { nextExpectedRevision: 0n, lastGlobalPosition: 2n, idempotent: false } });
      expect(second).toEqual({ status: 'fulfilled', value: { nextExpectedRevision: 1n, lastGlobalPosition: 3n, idempotent: false } });
      expect(retry).toEqual({ status: 'fulfilled', value: { nextExpectedRevision: 0n, lastGlobalPosition: 2n, idempotent: true } });
      expect(conflict.status === 'rejected' && conflict.reason).toBeInstanceOf(WrongExpectedVersionError);
      expect(duplicate.status === 'rejected' && duplicate.reason).toBeInstanceOf(DuplicateEventIdError);
      expect((await store.readAll()).map((e) => `${e.streamName}:${e.streamRevision}`)).toEqual(['taken:0', 'a:0', 'a:1']);
    });

    it('caps a group by events, but never splits one call', async () => {
      const store = temp.open({ maxEventsPerCommit: 10 });
      let before = store.stats();
      await Promise.all(Array.from({ length: 5 }, (_, i) => store.append(`s-${i}`, someEvents(4), { expectedRevision: 'any' })));
      // 5 calls of 4 events, cap 10: groups [4+4], [4+4], [4] (a third call would make 12 > 10)
      expect(delta(store, before)).toEqual({ transactions: 3, appends: 5, events: 20 });

      before = store.stats();
      await store.append('big', someEvents(25), { expectedRevision: 'no_stream' });
      expect(delta(store, before)).toEqual({ transactions: 1, appends: 1, events: 25 });
      expect(await store.readStream('big')).toHaveLength(25);
    });
  });

  it('keeps events across close and re-open, and continues the positions', async () => {
    const first = temp.open();
    await first.append('account-1', someEvents(3), { expectedRevision: 'no_stream' });
    const written = await first.readAll();
    await first.close();

    const reopened = temp.open();
    expect(await reopened.readAll()).toEqual(written);
    const next = await reopened.append('account-1', someEvents(1), { expectedRevision: 2n });
    expect(next).toEqual({ nextExpectedRevision: 3n, lastGlobalPosition: 4n, idempotent: false }); // 3 stored, so position 4
  });

  it('lets a second instance on the same file (another process) see appends through polling', async () => {
    const writer = temp.open();
    const reader = temp.open({ pollIntervalMs: 20 });
    await writer.append('order-1', someEvents(2), { expectedRevision: 'no_stream' });

    const controller = new AbortController();
    const seen: EventEnvelope[] = [];
    const done = (async () => {
      for await (const event of reader.subscribeToAll({ signal: controller.signal })) {
        seen.push(event);
        if (seen.length === 5) break;
      }
    })();
    await eventually(2000, 'catch-up in the reader', () => seen.length === 2);
    const waiting = reader.waitForEventsAfter(2n, { timeoutMs: 5000 });
    await writer.append('order-2', someEvents(3), { expectedRevision: 'no_stream' });
    await expect(within(3000, 'cross-instance wake-up', waiting)).resolves.toBe(true);
    await within(3000, 'cross-instance delivery', done);
    controller.abort();

    expect(idsOf(seen)).toEqual(idsOf(await writer.readAll()));
    expect(seen.map((e) => e.globalPosition)).toEqual([1n, 2n, 3n, 4n, 5n]);
  });

  it('finds rare events past the first scan window, in readAll and in a subscription', async () => {
    const store = temp.open();
    await store.append('noise', someEvents(10_050, 'Noise'), { expectedRevision: 'no_stream' });
    await store.append('rare', [newEvent('Rare', { n: 1 }), newEvent('Rare', { n: 2 })], { expectedRevision: 'no_stream' });

    const rare = await store.readAll({ filter: { eventTypes: ['Rare'] }, maxCount: 10 });
    expect(rare.map((e) => e.globalPosition)).toEqual([10_051n, 10_052n]); // after 10,050 noise events

    const controller = new AbortController();
    const seen: bigint[] = [];
    for await (const event of store.subscribeToAll({ filter: { eventTypes: ['Rare'] }, signal: controller.signal })) {
      seen.push(event.globalPosition);
      if (seen.length === 2) controller.abort();
    }
    expect(seen).toEqual([10_051n, 10_052n]);
  });

  it('treats an empty filter list as no restriction and rejects a bad maxCount', async () => {
    const store = temp.open();
    await store.append('a', someEvents(2), { expectedRevision: 'no_stream' });
    expect(await store.readAll({ filter: { eventTypes: [], streamPrefixes: [] } })).toHaveLength(2);
    expect(await store.readAll({ maxCount: 0 })).toEqual([]);
    expect(await rejectionOf(store.readAll({ maxCount: -1 }))).toBeInstanceOf(RangeError);
    expect(await rejectionOf(store.readStream('a', { maxCount: 1.5 }))).toBeInstanceOf(RangeError);
  });
});
