import { HeadWatcher } from './head-watcher';

describe('HeadWatcher', () => {
  it('resolves true at once when the head is already past the position', async () => {
    const watcher = new HeadWatcher(() => 5n, 10_000);
    await expect(watcher.wait(4n, 10_000)).resolves.toBe(true);
  });

  it('wakes on notify() without waiting for a poll, and only waiters whose position was passed', async () => {
    const watcher = new HeadWatcher(() => 3n, 60_000); // a poll would never come in time
    const low = watcher.wait(3n, 10_000);
    const high = watcher.wait(9n, 200);
    watcher.notify(4n);
    await expect(low).resolves.toBe(true);
    await expect(high).resolves.toBe(false); // 4 is not past 9: it times out
  });

  it('notices a head moved by someone else through polling', async () => {
    let head = 1n;
    const watcher = new HeadWatcher(() => head, 10);
    const waiting = watcher.wait(1n, 5000);
    head = 2n;
    await expect(waiting).resolves.toBe(true);
  });

  it('resolves false on abort and on close, and rejects when the head cannot be read', async () => {
    let failing = false;
    const watcher = new HeadWatcher(() => {
      if (failing) throw new Error('disk gone');
      return 0n;
    }, 10);
    const controller = new AbortController();
    const aborted = watcher.wait(0n, 5000, controller.signal);
    controller.abort();
    await expect(aborted).resolves.toBe(false);

    const broken = watcher.wait(0n, 5000);
    failing = true;
    await expect(broken).rejects.toThrow('disk gone');

    failing = false;
    const closing = watcher.wait(0n, 5000);
    watcher.close();
    await expect(closing).resolves.toBe(false);
    await expect(watcher.wait(0n, 5000)).resolves.toBe(false);
  });
});
