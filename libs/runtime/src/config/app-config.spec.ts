import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SqliteEventStore } from '@robo/event-store';
import { openEventStore } from '../open-stores';
import { ConfigError, loadConfig } from './app-config';

describe('projector settings', () => {
  it('projects the audit trail in a worker thread unless PROJECTOR_WORKER_THREADS is false', () => {
    expect(loadConfig({ DATA_DIR: '/tmp/unused' }).projectorWorkerThreads).toBe(true);
    expect(loadConfig({ DATA_DIR: '/tmp/unused', PROJECTOR_WORKER_THREADS: 'false' }).projectorWorkerThreads).toBe(false);
    expect(() => loadConfig({ DATA_DIR: '/tmp/unused', PROJECTOR_WORKER_THREADS: 'maybe' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: '/tmp/unused', PROJECTOR_WORKER_THREADS: 'maybe' })).toThrow('PROJECTOR_WORKER_THREADS');
  });
});

describe('fill settings', () => {
  it('lets a fill be dated up to FILL_CLOCK_SKEW_MS after the clock (default 5 s), and refuses a bad value at start', () => {
    expect(loadConfig({ DATA_DIR: '/tmp/unused' }).fillClockSkewMs).toBe(5_000);
    expect(loadConfig({ DATA_DIR: '/tmp/unused', FILL_CLOCK_SKEW_MS: '0' }).fillClockSkewMs).toBe(0);
    expect(loadConfig({ DATA_DIR: '/tmp/unused', FILL_CLOCK_SKEW_MS: '60000' }).fillClockSkewMs).toBe(60_000);
    for (const bad of ['-1', '1.5', 'soon', '86400001']) {
      expect(() => loadConfig({ DATA_DIR: '/tmp/unused', FILL_CLOCK_SKEW_MS: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ DATA_DIR: '/tmp/unused', FILL_CLOCK_SKEW_MS: bad })).toThrow('FILL_CLOCK_SKEW_MS');
    }
  });
});

describe('kite settings', () => {
  it('reconciles with Kite every KITE_RECONCILE_SECONDS (default 60, 0 off), and refuses a bad value at start', () => {
    const kite = { DATA_DIR: '/tmp/unused', KITE_API_KEY: 'robokey' };
    expect(loadConfig(kite).kite?.reconcileSeconds).toBe(60);
    expect(loadConfig({ ...kite, KITE_RECONCILE_SECONDS: '0' }).kite?.reconcileSeconds).toBe(0);
    expect(loadConfig({ ...kite, KITE_RECONCILE_SECONDS: '5' }).kite?.reconcileSeconds).toBe(5);
    for (const bad of ['-1', '2.5', 'often', '86401']) expect(() => loadConfig({ ...kite, KITE_RECONCILE_SECONDS: bad })).toThrow('KITE_RECONCILE_SECONDS');
  });
});

describe('event store settings', () => {
  /** Opens the event store as the api does, from a config loaded with `env`, for each value of one variable. */
  async function forEachValue(variable: string, check: (store: SqliteEventStore, value: 'true' | 'false') => Promise<void>): Promise<void> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-config-'));
    try {
      for (const value of ['true', 'false'] as const) {
        const store = openEventStore(loadConfig({ DATA_DIR: dataDir, [variable]: value })) as SqliteEventStore;
        try {
          await check(store, value);
        } finally {
          await store.close();
        }
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }

  it('writes on the caller thread unless EVENT_STORE_WRITER_THREAD is true, and the store opened from it does so', async () => {
    expect(loadConfig({ DATA_DIR: '/tmp/unused' }).eventStoreWriterThread).toBe(false);
    expect(() => loadConfig({ DATA_DIR: '/tmp/unused', EVENT_STORE_WRITER_THREAD: 'yes please' })).toThrow('EVENT_STORE_WRITER_THREAD');
    await forEachValue('EVENT_STORE_WRITER_THREAD', async (store, value) => {
      expect(store.writesInThread).toBe(value === 'true');
      const appended = await store.append(`s-${value}`, [newEvent()], { expectedRevision: 'no_stream' });
      expect((await store.readStream(`s-${value}`)).map((e) => e.globalPosition)).toEqual([appended.lastGlobalPosition]);
    });
  });

  it('checkpoints the WAL from a thread unless EVENT_STORE_CHECKPOINT_THREAD is false', async () => {
    expect(loadConfig({ DATA_DIR: '/tmp/unused' }).eventStoreCheckpointThread).toBe(true);
    expect(() => loadConfig({ DATA_DIR: '/tmp/unused', EVENT_STORE_CHECKPOINT_THREAD: '1x' })).toThrow('EVENT_STORE_CHECKPOINT_THREAD');
    await forEachValue('EVENT_STORE_CHECKPOINT_THREAD', async (store, value) => {
      const stats = store.checkpointerStats();
      expect(stats === null ? 'none' : 'running').toBe(value === 'true' ? 'running' : 'none');
      if (stats) await expect(stats).resolves.toMatchObject({ failures: expect.any(Number) });
    });
  });
});

function newEvent() {
  return { type: 'TestHappened', data: {}, metadata: { eventId: randomUUID(), correlationId: randomUUID(), causationId: null, actor: 'test', occurredAt: '2026-11-20T04:30:00.000Z', schemaVersion: 1 } };
}

describe('CLOCK_START', () => {
  it('is parsed strictly: an impossible date, hour 24 or a missing offset stops the start, a real instant is taken', () => {
    for (const bad of ['2026-02-30T10:00:00+05:30', '2026-11-20T24:00:00Z', '2026-11-20T10:00:00', '2026-13-45T99:99Z']) {
      expect(() => loadConfig({ DATA_DIR: '/tmp/unused', CLOCK_START: bad })).toThrow('CLOCK_START');
    }
    expect(loadConfig({ DATA_DIR: '/tmp/unused', CLOCK_START: '2026-11-20T10:00:00+05:30' }).clockStart).toBe('2026-11-20T10:00:00+05:30');
  });
});

describe('REDIS_URL', () => {
  it('is unset by default (one process), accepts redis:// and rediss:// URLs, and stops the start on anything else', () => {
    expect(loadConfig({ DATA_DIR: '/tmp/unused' }).redisUrl).toBeNull();
    expect(loadConfig({ DATA_DIR: '/tmp/unused', REDIS_URL: '' }).redisUrl).toBeNull();
    for (const good of ['redis://127.0.0.1:6379', 'redis://redis', 'rediss://user:secret@cache.example.com:6380/2', 'redis://localhost:6379/0']) {
      expect(loadConfig({ DATA_DIR: '/tmp/unused', REDIS_URL: good }).redisUrl).toBe(good);
    }
    for (const bad of ['127.0.0.1:6379', 'http://redis:6379', 'redis://', 'redis://host:6379/db', 'redis://host:99999', 'mongodb://host']) {
      expect(() => loadConfig({ DATA_DIR: '/tmp/unused', REDIS_URL: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ DATA_DIR: '/tmp/unused', REDIS_URL: bad })).toThrow('REDIS_URL');
    }
  });

  it('does not repeat a password of a refused URL', () => {
    expect(() => loadConfig({ DATA_DIR: '/tmp/unused', REDIS_URL: 'redis://user:hunter2@host:6379/db' })).toThrow(/REDIS_URL.*\/\/\*\*\*@host/);
    expect(() => loadConfig({ DATA_DIR: '/tmp/unused', REDIS_URL: 'redis://user:hunter2@host:6379/db' })).not.toThrow(/hunter2/);
  });
});
