import { eventStoreContract } from '../testing/event-store.contract';
import { someEvents } from '../testing/test-events';
import { TempStores } from './testing/temp-stores';

// A log without durability is still the same store: every behaviour of the port holds.
eventStoreContract("sqlite, durability 'none'", async () => {
  const temp = new TempStores({ durability: 'none' });
  return { store: temp.open(), cleanup: () => temp.cleanup() };
});

describe("SqliteEventStore durability 'none' (rebuildable files only)", () => {
  let temp: TempStores;
  beforeEach(() => {
    temp = new TempStores();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('fsyncs every commit by default, and never with durability none', async () => {
    expect(temp.open().settings()).toEqual({ journalMode: 'wal', synchronous: 'FULL' });
    const other = new TempStores({ durability: 'none' });
    try {
      expect(other.open().settings()).toEqual({ journalMode: 'wal', synchronous: 'OFF' });
    } finally {
      await other.cleanup();
    }
  });

  it('keeps what it wrote once closed: the file opens again with durability and reads the same events', async () => {
    const fast = temp.open({ durability: 'none' });
    await fast.append('account-1', someEvents(3), { expectedRevision: 'no_stream' });
    await fast.close();
    const durable = temp.open();
    expect((await durable.readStream('account-1')).map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    expect(durable.settings().synchronous).toBe('FULL');
  });

  it('refuses a log that holds events (a live data directory), and the threads of live logs', async () => {
    const durable = temp.open();
    await durable.append('account-1', someEvents(2), { expectedRevision: 'no_stream' });
    expect(() => temp.open({ durability: 'none' })).toThrow(/already holds 2 events: durability 'none' opens only a new, empty log/);
    expect(() => temp.open({ durability: 'none', writerThread: true })).toThrow(/without the writer and checkpoint threads/);
    expect(() => temp.open({ durability: 'none', checkpointThread: true })).toThrow(/without the writer and checkpoint threads/);
  });
});
