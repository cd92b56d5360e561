import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Redis } from 'ioredis';
import { startTestRedis, type TestRedis } from '../../test/redis-server';
import { RedisWindowStorage } from './redis-window.storage';
import { throttlerStorageContract } from './testing/throttler-storage.contract';
import { describeOrSkip, itOrSkip } from '@robo/runtime/testing/skip';

// 100,000 round trips to a server on a machine shared with other tests: more than the default minute when it is busy.
jest.setTimeout(180_000);

let redis: TestRedis | null = null;
beforeAll(async () => {
  redis = await startTestRedis('RedisWindowStorage');
}, 20_000);
afterAll(async () => {
  await redis?.stop();
});

/** redis-server on the PATH, or REDIS_URL: otherwise these tests are skipped (startTestRedis prints why). */
const serverAvailable = Boolean(process.env.REDIS_URL) || (process.env.PATH ?? '').split(':').some((dir) => isExecutable(path.join(dir, 'redis-server')));
const noServer = !serverAvailable && 'no redis-server on the PATH and REDIS_URL is not set';
const withServer = itOrSkip(noServer, 'RedisWindowStorage');

describe('RedisWindowStorage (a real Redis server)', () => {
  const open = (now?: () => number) => {
    const storage = new RedisWindowStorage(redis!.url, { now, keyPrefix: `test:${randomUUID()}:` });
    return storage;
  };

  describeOrSkip(noServer, 'RedisWindowStorage')('the storage contract', () => {
    throttlerStorageContract(async (now) => {
      const storage = open(now);
      return { storage, close: () => storage.close() };
    });
  });

  withServer('counts one window for several clients of the same server (replicas), with the server clock by default', async () => {
    const prefix = `test:${randomUUID()}:`;
    const replicas = [0, 1, 2].map(() => new RedisWindowStorage(redis!.url, { keyPrefix: prefix }));
    try {
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => replicas[i % 3]!.increment('key:shared', 60_000, 10, 0, 'default')));
      expect(answers.filter((a) => !a.isBlocked)).toHaveLength(10);
      expect(answers.filter((a) => a.isBlocked)).toHaveLength(20);
    } finally {
      for (const r of replicas) await r.close();
    }
  });

  withServer('leaves nothing behind an idle credential: every key expires with its window, block or last hit', async () => {
    let now = 1_000_000;
    const storage = open(() => now);
    try {
      await storage.increment('key:a', 5_000, 2, 0, 'default');
      now += 1_000;
      await storage.increment('key:a', 5_000, 2, 0, 'default');
      const keys = await storage.keys();
      expect(keys).toHaveLength(2);
      // The last hit expires 5 s after it was made: no key outlives it.
      for (const key of keys) {
        const ttl = await storage.pttl(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(5_000);
      }
      // Blocked for 30 s: the keys stay until the block ends.
      await storage.increment('key:b', 5_000, 1, 30_000, 'default');
      await storage.increment('key:b', 5_000, 1, 30_000, 'default');
      const blockedKeys = (await storage.keys()).filter((k) => k.includes('key:b'));
      for (const key of blockedKeys) expect(await storage.pttl(key)).toBeGreaterThan(25_000);
    } finally {
      await storage.close();
    }
  });

  withServer('loads its script again after the server forgot it (SCRIPT FLUSH, a restart)', async () => {
    const storage = open(() => 0);
    const admin = new Redis(redis!.url);
    try {
      expect(await storage.increment('key:a', 60_000, 5, 0, 'default')).toMatchObject({ totalHits: 1 });
      await admin.script('FLUSH');
      expect(await storage.increment('key:a', 60_000, 5, 0, 'default')).toMatchObject({ totalHits: 2 });
    } finally {
      admin.disconnect();
      await storage.close();
    }
  });
});

describe('RedisWindowStorage without a server', () => {
  it('answers 503 RATE_LIMIT_UNAVAILABLE, not an error of its own, while Redis cannot be reached', async () => {
    // A port where nothing listens (the discard port on the loopback address).
    const storage = new RedisWindowStorage('redis://127.0.0.1:9', { now: () => 0 });
    try {
      await expect(storage.increment('key:a', 60_000, 5, 0, 'default')).rejects.toMatchObject({ status: 503, code: 'RATE_LIMIT_UNAVAILABLE' });
    } finally {
      await storage.close();
    }
  });
});

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
