import fs from 'node:fs';
import Database from 'better-sqlite3';
import { sleep, someEvents } from '../testing/test-events';
import { SqliteConnection } from './sqlite-connection';
import { TempStores } from './testing/temp-stores';
import { AUTOCHECKPOINT_PAGES_WITH_CHECKPOINTER, WalCheckpointer, type WalCheckpointerStats } from './wal-checkpointer';

const HANG_GUARD_MS = 30_000;

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
    // The thread answers between two runs, so a run counted past this answer began after the last append committed;
    // the stats of an earlier run (one taken between appends) can say "all copied" of a WAL that has grown since.
    const runsBeforeLastAppendSeen = (await store.checkpointerStats())!.runs;
    let stats: WalCheckpointerStats | null = null;
    await until('a checkpoint begun after the last append that copied every frame of the WAL', async () => {
      stats = await store.checkpointerStats();
      return stats !== null && stats.runs > runsBeforeLastAppendSeen && stats.last !== null && stats.last.walFrames > 0 && stats.last.checkpointedFrames === stats.last.walFrames;
    });
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
      await until('two failed runs', async () => (await checkpointer.stats()).failures >= 2);
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

/**
 * Polls `condition` until it holds. No deadline decides the outcome (a loaded machine only makes it slower); the
 * bound is a guard against a hang, far above any wait the condition needs.
 */
async function until(what: string, condition: () => Promise<boolean>): Promise<void> {
  const guard = Date.now() + HANG_GUARD_MS;
  while (!(await condition())) {
    if (Date.now() > guard) throw new Error(`${what} did not happen (gave up after ${HANG_GUARD_MS} ms)`);
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
