import * as path from 'node:path';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { readRun, runDir, type BacktestRunRecord } from '@robo/backtest';
import { SqliteEventStore, type EventStore } from '@robo/event-store';
import type { ReadModelStore } from '@robo/read-models';
import { APP_CONFIG, type AppConfig, openReadStoreReadOnly } from '@robo/runtime';
import { ApiError } from '../common/api-error';

export interface RunStores {
  run: BacktestRunRecord;
  events: EventStore;
  reads: ReadModelStore;
}

interface Entry {
  stores: RunStores;
  users: number;
  /** Left the cache while in use: closed by its last user. */
  evicted: boolean;
}

/** Runs whose stores stay open between requests (a dashboard reads a few runs at a time). */
const OPEN_RUNS = 4;

/**
 * A finished run's own stores, opened read-only from its folder (so its log keeps the bytes, and the hash, the run
 * recorded), kept open for the next request, and closed when they leave the cache or the api stops.
 */
@Injectable()
export class BacktestRunStores implements OnApplicationShutdown {
  /** In use order: the first entry is the least recently used. */
  private readonly open = new Map<string, Entry>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Runs `work` on the run's stores; 404 BACKTEST_NOT_FOUND for a run that is not a finished run of this data directory. */
  async use<T>(runId: string, work: (stores: RunStores) => Promise<T>): Promise<T> {
    const entry = this.entry(runId);
    entry.users += 1;
    try {
      return await work(entry.stores);
    } finally {
      entry.users -= 1;
      if (entry.evicted && entry.users === 0) await close(entry);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const entries = [...this.open.values()];
    this.open.clear();
    await Promise.all(entries.map(close));
  }

  private entry(runId: string): Entry {
    const cached = this.open.get(runId);
    if (cached) {
      this.open.delete(runId);
      this.open.set(runId, cached);
      return cached;
    }
    const run = readRun(this.config.dataDir, runId);
    if (run === null) throw new ApiError(404, 'BACKTEST_NOT_FOUND', `no finished backtest run ${runId}`);
    const dir = runDir(this.config.dataDir, runId);
    const events = SqliteEventStore.open({ file: path.join(dir, 'events.db'), readOnly: true });
    let reads: ReadModelStore;
    try {
      reads = openReadStoreReadOnly(dir);
    } catch (error) {
      void events.close();
      throw error;
    }
    const entry: Entry = { stores: { run, events, reads }, users: 0, evicted: false };
    this.open.set(runId, entry);
    for (const [id, old] of this.open) {
      if (this.open.size <= OPEN_RUNS) break;
      this.open.delete(id);
      old.evicted = true;
      if (old.users === 0) void close(old);
    }
    return entry;
  }
}

async function close(entry: Entry): Promise<void> {
  await Promise.allSettled([entry.stores.events.close(), entry.stores.reads.close()]);
}
