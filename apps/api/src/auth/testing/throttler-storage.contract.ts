import { ThrottlerStorageService, type ThrottlerStorage } from '@nestjs/throttler';

/** A storage opened on a clock the suite moves by hand. */
export interface StorageUnderTest {
  storage: ThrottlerStorage;
  close(): Promise<void> | void;
}

/** A small deterministic generator, so that a failure names its seed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

type Args = [key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string];
type Answer = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * What @nestjs/throttler's own storage answers over a random run of requests (it keeps time with Date.now and
 * setTimeout, so it runs under fake timers); the storage under test is then asked the same at the same instants.
 */
async function packageAnswers(seed: number): Promise<{ at: number; args: Args; expected: Answer }[]> {
  jest.useFakeTimers({ now: 1_700_000_000_000 });
  const theirs = new ThrottlerStorageService();
  const next = random(seed);
  const run: { at: number; args: Args; expected: Answer }[] = [];
  try {
    for (let i = 0; i < 3000; i++) {
      jest.setSystemTime(Date.now() + Math.floor(next() * 120));
      const key = `key:${Math.floor(next() * 3)}`;
      const blockDuration = [0, 1000, 2500][seed % 3]!;
      const args: Args = [key, 1000, 7, blockDuration, 'default'];
      run.push({ at: Date.now(), args, expected: await theirs.increment(...args) });
    }
  } finally {
    theirs.onApplicationShutdown();
    jest.useRealTimers();
  }
  return run;
}

/**
 * The rate limiter's storage contract: the in-memory storage and the Redis one both pass it. `open` gets the clock
 * to count with and must give a storage with no hits yet.
 */
export function throttlerStorageContract(open: (now: () => number) => Promise<StorageUnderTest>): void {
  it.each([1, 2, 3, 4])('answers as @nestjs/throttler storage does over a random run of requests (seed %i)', async (seed) => {
    const run = await packageAnswers(seed);
    let now = 0;
    const { storage, close } = await open(() => now);
    try {
      // Sent 500 at a time without waiting: each call reads the clock when it is made, and a storage answers in order.
      for (let start = 0; start < run.length; start += 500) {
        const batch = run.slice(start, start + 500);
        const answers = await Promise.all(
          batch.map(({ at, args }) => {
            now = at;
            return storage.increment(...args);
          }),
        );
        for (const [j, actual] of answers.entries()) {
          const { expected } = batch[j]!;
          const { timeToBlockExpire, ...rest } = expected;
          const i = start + j;
          expect({ i, ...actual, timeToBlockExpire: actual.isBlocked ? actual.timeToBlockExpire : null }).toEqual({ i, ...rest, timeToBlockExpire: expected.isBlocked ? timeToBlockExpire : null });
        }
      }
    } finally {
      await close();
    }
  });

  it('refuses past the limit until the block ends, then counts afresh', async () => {
    let now = 0;
    const { storage, close } = await open(() => now);
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
      await close();
    }
  });

  it('counts a window of 100,000 hits of one key as they expire', async () => {
    let now = 0;
    const { storage, close } = await open(() => now);
    try {
      // 100,000 hits within one minute, one key: the package's storage would filter the whole list each time.
      // Sent 1,000 at a time without waiting (each reads the clock when it is sent, in order).
      for (let start = 0; start < 100_000; start += 1000) {
        const batch: Promise<unknown>[] = [];
        for (let i = start; i < start + 1000; i++) {
          now = i / 2;
          batch.push(storage.increment('key:busy', 60_000, 1_000_000, 60_000, 'default'));
        }
        await Promise.all(batch);
      }
      now = 60_000 + 25_000;
      // Hits made at 0..25,000 ms (50,001 of them) have expired; the rest and this one are counted.
      expect((await storage.increment('key:busy', 60_000, 1_000_000, 60_000, 'default')).totalHits).toBe(100_000 - 50_001 + 1);
    } finally {
      await close();
    }
  });
}
