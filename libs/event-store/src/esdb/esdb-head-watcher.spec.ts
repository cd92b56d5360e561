import { EsdbHeadWatcher } from './esdb-head-watcher';

/**
 * A live feed of positions the test pushes into; records what it was opened from and whether it is running.
 * `opened` resolves when it is first opened (the watcher opens it after registering its waiter), `ended` when it stops.
 */
function feed() {
  let wasOpened = () => undefined as void;
  let hasEnded = () => undefined as void;
  const state = {
    opens: [] as bigint[],
    running: false,
    push: (_position: bigint) => undefined as void,
    opened: new Promise<void>((resolve) => (wasOpened = resolve)),
    ended: new Promise<void>((resolve) => (hasEnded = resolve)),
  };
  const follow = (after: bigint, signal: AbortSignal): AsyncIterable<bigint> => ({
    async *[Symbol.asyncIterator]() {
      state.opens.push(after);
      state.running = true;
      wasOpened();
      const queue: bigint[] = [];
      let wake: (() => void) | null = null;
      state.push = (position) => {
        queue.push(position);
        wake?.();
      };
      const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      try {
        while (!signal.aborted) {
          const item = queue.shift();
          if (item !== undefined) {
            yield item;
            continue;
          }
          await Promise.race([new Promise<void>((resolve) => (wake = resolve)), aborted]);
        }
      } finally {
        state.running = false;
        hasEnded();
      }
    },
  });
  return { state, follow };
}

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

describe('EsdbHeadWatcher', () => {
  it('answers at once from the head when the log is already past the position', async () => {
    const { follow, state } = feed();
    const watcher = new EsdbHeadWatcher({ readHead: async () => 500n, follow });
    await expect(watcher.wait(499n, 10_000)).resolves.toBe(true);
    expect(state.opens).toEqual([]);
    watcher.close();
  });

  it('wakes waiters from one shared live subscription opened at the head it read', async () => {
    const { follow, state } = feed();
    const watcher = new EsdbHeadWatcher({ readHead: async () => 500n, follow, idleCloseMs: 20 });
    const a = watcher.wait(500n, 10_000);
    const b = watcher.wait(700n, 10_000);
    await state.opened;
    expect(state.opens).toEqual([500n]);
    state.push(600n);
    await expect(a).resolves.toBe(true);
    state.push(800n);
    await expect(b).resolves.toBe(true);
    expect(state.opens).toHaveLength(1);
    await state.ended; // closed once idle, with no waiter left
    expect(state.running).toBe(false);
    watcher.close();
  });

  it('is woken by local appends through notify(), false on timeout and on abort', async () => {
    const { follow, state } = feed();
    const watcher = new EsdbHeadWatcher({ readHead: async () => 10n, follow });
    const woken = watcher.wait(10n, 10_000);
    await state.opened;
    watcher.notify(11n);
    await expect(woken).resolves.toBe(true);

    await expect(watcher.wait(11n, 30)).resolves.toBe(false);
    const controller = new AbortController();
    const aborted = watcher.wait(11n, 10_000, controller.signal);
    controller.abort();
    await expect(aborted).resolves.toBe(false);
    watcher.close();
    await expect(watcher.wait(0n, 10_000)).resolves.toBe(false);
  });

  it('rejects waiters when the live subscription fails for good, and reports a head that cannot be read', async () => {
    const failing = new EsdbHeadWatcher({
      readHead: async () => 1n,
      follow: () => ({
        [Symbol.asyncIterator]: () => ({
          next: async (): Promise<IteratorResult<bigint>> => {
            await tick();
            throw new Error('access denied');
          },
        }),
      }),
    });
    await expect(failing.wait(1n, 10_000)).rejects.toThrow('access denied');
    failing.close();

    const unreadable = new EsdbHeadWatcher({ readHead: async () => Promise.reject(new Error('unavailable')), follow: feed().follow });
    await expect(unreadable.wait(1n, 10_000)).rejects.toThrow('unavailable');
    unreadable.close();
  });
});
