import { ThrottlerStorageService } from '@nestjs/throttler';
import { SlidingWindowStorage } from './sliding-window.storage';

/** A small deterministic generator, so that a failure names its seed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe('SlidingWindowStorage', () => {
  afterEach(() => jest.useRealTimers());

  it.each([1, 2, 3, 4])('answers as @nestjs/throttler storage does over a random run of requests (seed %i)', async (seed) => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    const theirs = new ThrottlerStorageService();
    const ours = new SlidingWindowStorage();
    const next = random(seed);
    try {
      for (let i = 0; i < 3000; i++) {
        jest.setSystemTime(Date.now() + Math.floor(next() * 120));
        const key = `key:${Math.floor(next() * 3)}`;
        const blockDuration = [0, 1000, 2500][seed % 3]!;
        const args = [key, 1000, 7, blockDuration, 'default'] as const;
        const expected = await theirs.increment(...args);
        const actual = await ours.increment(...args);
        const { timeToBlockExpire, ...rest } = expected;
        expect({ i, ...actual, timeToBlockExpire: actual.isBlocked ? actual.timeToBlockExpire : null }).toEqual({ i, ...rest, timeToBlockExpire: expected.isBlocked ? timeToBlockExpire : null });
      }
    } finally {
      theirs.onApplicationShutdown();
      ours.close();
    }
  });

  it('refuses past the limit until the block ends, then counts afresh', async () => {
    let now = 0;
    const storage = new SlidingWindowStorage(() => now);
    try {
      const hit = () => storage.increment('key:a', 60_000, 3, 60_000, 'default');
      for (let i = 1; i <= 3; i++) expect(await hit()).toMatchObject({ totalHits: i, isBlocked: false });
      now = 1_000;
      expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 60 });
      now = 60_999;
      expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 1 });
      now = 61_000;
      expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false, timeToBlockExpire: 0 });
      // Another credential has its own window.
      expect(await storage.increment('key:b', 60_000, 3, 60_000, 'default')).toMatchObject({ totalHits: 1, isBlocked: false });
    } finally {
      storage.close();
    }
  });

  it('counts a window of 100,000 hits of one key as they expire, and forgets idle keys', async () => {
    let now = 0;
    const storage = new SlidingWindowStorage(() => now);
    try {
      // 100,000 hits within one minute, one key: the package's storage would filter the whole list each time.
      for (let i = 0; i < 100_000; i++) {
        now = i / 2;
        await storage.increment('key:busy', 60_000, 1_000_000, 60_000, 'default');
      }
      now = 60_000 + 25_000;
      // Hits made at 0..25,000 ms (50,001 of them) have expired; the rest and this one are counted.
      expect((await storage.increment('key:busy', 60_000, 1_000_000, 60_000, 'default')).totalHits).toBe(100_000 - 50_001 + 1);
      expect(storage.size).toBe(1);
      now = 200_000;
      storage.sweep();
      expect(storage.size).toBe(0);
    } finally {
      storage.close();
    }
  });
});
