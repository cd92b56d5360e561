import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteEventStore, type SqliteEventStoreOptions } from '../sqlite-event-store';

/** The ways the store can write, for specs that must hold for each. */
export const WRITER_MODES = [
  { mode: 'on the caller thread', options: {} },
  { mode: 'with a checkpoint thread', options: { checkpointThread: true } },
  { mode: 'in a writer thread, with a checkpoint thread', options: { writerThread: true, checkpointThread: true } },
] as const;

/** A temp directory per test, and the stores opened in it, all closed and removed by cleanup(). */
export class TempStores {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-event-store-'));
  readonly file = path.join(this.dir, 'data', 'events.db');
  private readonly opened: SqliteEventStore[] = [];

  /** `defaults` apply to every store opened here, e.g. `{ writerThread: true }`. */
  constructor(private readonly defaults: Partial<SqliteEventStoreOptions> = {}) {}

  open(options: Partial<SqliteEventStoreOptions> = {}): SqliteEventStore {
    const store = SqliteEventStore.open({ file: this.file, pollIntervalMs: 20, ...this.defaults, ...options });
    this.opened.push(store);
    return store;
  }

  async cleanup(): Promise<void> {
    for (const store of this.opened) await store.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
