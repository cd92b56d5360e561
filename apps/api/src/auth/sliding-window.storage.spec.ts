import { SlidingWindowStorage } from './sliding-window.storage';
import { throttlerStorageContract } from './testing/throttler-storage.contract';

describe('SlidingWindowStorage', () => {
  throttlerStorageContract(async (now) => {
    const storage = new SlidingWindowStorage(now);
    return { storage, close: () => storage.close() };
  });

  it('forgets keys with no live hit and no block', async () => {
    let now = 0;
    const storage = new SlidingWindowStorage(() => now);
    try {
      for (let i = 0; i < 1000; i++) {
        now = i;
        await storage.increment(`key:${i % 3}`, 60_000, 1_000_000, 60_000, 'default');
      }
      expect(storage.size).toBe(3);
      now = 60_000 + 998;
      storage.sweep();
      // key:0's last hit was at 999 ms: still live; the other two have expired.
      expect(storage.size).toBe(1);
      now = 200_000;
      storage.sweep();
      expect(storage.size).toBe(0);
    } finally {
      storage.close();
    }
  });
});
