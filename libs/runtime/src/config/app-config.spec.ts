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

describe('event store settings', () => {
  it('writes on the caller thread unless EVENT_STORE_WRITER_THREAD is true, and the store opened from it does so', async () => {
    expect(loadConfig({ DATA_DIR: '/tmp/unused' }).eventStoreWriterThread).toBe(false);
    expect(() => loadConfig({ DATA_DIR: '/tmp/unused', EVENT_STORE_WRITER_THREAD: 'yes please' })).toThrow('EVENT_STORE_WRITER_THREAD');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-config-'));
    try {
      for (const value of ['true', 'false']) {
        const store = openEventStore(loadConfig({ DATA_DIR: dataDir, EVENT_STORE_WRITER_THREAD: value })) as SqliteEventStore;
        try {
          expect(store.writesInThread).toBe(value === 'true');
          const appended = await store.append(`s-${value}`, [newEvent()], { expectedRevision: 'no_stream' });
          expect((await store.readStream(`s-${value}`)).map((e) => e.globalPosition)).toEqual([appended.lastGlobalPosition]);
        } finally {
          await store.close();
        }
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('WAL checkpoint thread setting', () => {
  it('checkpoints the event store from a thread unless EVENT_STORE_CHECKPOINT_THREAD is false', async () => {
    expect(loadConfig({ DATA_DIR: '/tmp/unused' }).eventStoreCheckpointThread).toBe(true);
    expect(() => loadConfig({ DATA_DIR: '/tmp/unused', EVENT_STORE_CHECKPOINT_THREAD: '1x' })).toThrow('EVENT_STORE_CHECKPOINT_THREAD');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-config-'));
    try {
      for (const value of ['true', 'false']) {
        const store = openEventStore(loadConfig({ DATA_DIR: dataDir, EVENT_STORE_CHECKPOINT_THREAD: value })) as SqliteEventStore;
        try {
          const stats = store.checkpointerStats();
          expect(stats === null ? 'none' : 'running').toBe(value === 'true' ? 'running' : 'none');
          if (stats) await expect(stats).resolves.toMatchObject({ failures: expect.any(Number) });
        } finally {
          await store.close();
        }
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

function newEvent() {
  return { type: 'TestHappened', data: {}, metadata: { eventId: randomUUID(), correlationId: randomUUID(), causationId: null, actor: 'test', occurredAt: '2026-11-20T04:30:00.000Z', schemaVersion: 1 } };
}
