/** Serializes async work: a rebuild and the live loop of one projection never interleave their batches. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  /** True while work runs or waits: the shared loop skips such a projection instead of waiting behind a rebuild. */
  get busy(): boolean {
    return this.pending > 0;
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    this.pending += 1;
    const result = this.tail.then(work).finally(() => {
      this.pending -= 1;
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** Runs work while holding all these locks (queued on each at once, so no two holders can each wait for the other's). */
export async function holdAll<T>(locks: readonly Mutex[], work: () => Promise<T>): Promise<T> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const acquired = locks.map((lock) => new Promise<void>((resolve) => void lock.run(() => (resolve(), released))));
  try {
    await Promise.all(acquired);
    return await work();
  } finally {
    release();
  }
}
