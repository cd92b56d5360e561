import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteEventStore, type SqliteEventStoreOptions } from '../sqlite-event-store';

/** A temp directory per test, and the stores opened in it, all closed and removed by cleanup(). */
export class TempStores {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-event-store-'));
  readonly file = path.join(this.dir, 'data', 'events.db');
  private readonly opened: SqliteEventStore[] = [];

  open(options: Partial<SqliteEventStoreOptions> = {}): SqliteEventStore {
    const store = SqliteEventStore.open({ file: this.file, pollIntervalMs: 20, ...options });
    this.opened.push(store);
    return store;
  }

  async cleanup(): Promise<void> {
    for (const store of this.opened) await store.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
