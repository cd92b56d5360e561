
/**
 * Runs work for one key at a time inside this process. Commands on one stream (orders of one account reserve
 * buying power on its account stream) queue here instead of colliding on the expected revision and burning their
 * retries; optimistic concurrency still guards against other processes.
 * Lock order, to stay free of deadlocks: an order's stream before its account's stream, never the reverse.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
