import fs from 'node:fs';
import Database from 'better-sqlite3';
import { sleep, someEvents } from '../testing/test-events';
import { SqliteConnection } from './sqlite-connection';
import { TempStores } from './testing/temp-stores';
import { AUTOCHECKPOINT_PAGES_WITH_CHECKPOINTER, WalCheckpointer, type WalCheckpointerStats } from './wal-checkpointer';

describe('WAL checkpoint thread', () => {
  let temp: TempStores;
  beforeEach(() => {
    temp = new TempStores();
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('copies the WAL of a store that runs one back into the database file, while the store goes on appending', async () => {
    const store = temp.open({ checkpointThread: true });
    for (let i = 0; i < 20; i++) await store.append(`s-${i}`, someEvents(50), { expectedRevision: 'no_stream' });
    let stats: WalCheckpointerStats | null = null;
    await eventually(5000, 'a checkpoint that copied every frame of the WAL', async () => {
      stats = await store.checkpointerStats();
      return stats !== null && stats.last !== null && stats.last.walFrames > 0 && stats.last.checkpointedFrames === stats.last.walFrames;
    });
    expect(stats!.runs).toBeGreaterThan(0);
    // The copy is in the database file itself: a copy of that file alone, without the WAL, holds every event. (Taken
    // while the store is open: closing the last connection would checkpoint by itself.)
    expect(readWithoutWal(temp.file)).toBe(1000);
  });

  it('lets commits pile up more WAL pages before they checkpoint inline; without the thread, SQLite\'s default', () => {
    const store = temp.open(); // creates the file
    expect(store.checkpointerStats()).toBeNull();
    const withThread = SqliteConnection.open({ file: temp.file, busyTimeoutMs: 100, create: false, autocheckpointPages: AUTOCHECKPOINT_PAGES_WITH_CHECKPOINTER });
    const without = SqliteConnection.open({ file: temp.file, busyTimeoutMs: 100, create: false });
    try {
      expect(withThread.db.pragma('wal_autocheckpoint', { simple: true })).toBe(AUTOCHECKPOINT_PAGES_WITH_CHECKPOINTER);
      expect(without.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    } finally {
      withThread.close();
      without.close();
    }
  });

  it('counts a file it cannot open as a failed run and keeps trying, without stopping the process', async () => {
    const checkpointer = WalCheckpointer.start(`${temp.dir}/missing.db`, 10);
    try {
      await eventually(3000, 'failed runs', async () => (await checkpointer.stats()).failures >= 2);
      const stats = await checkpointer.stats();
      expect(stats.runs).toBe(0);
      expect(stats.last).toBeNull();
      expect(fs.existsSync(`${temp.dir}/missing.db`)).toBe(false); // never creates a file
    } finally {
      await checkpointer.stop();
    }
    await expect(checkpointer.stats()).rejects.toThrow('the checkpointer thread has stopped');
  });
});

async function eventually(ms: number, what: string, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await sleep(10);
  }
}

/** Counts the events in a copy of the database file alone, without the WAL beside it. */
function readWithoutWal(file: string): number {
  const copy = `${file}.copy`;
  fs.copyFileSync(file, copy);
  const db = new Database(copy, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
    fs.rmSync(copy, { force: true });
  }
}
