/** One queued request and how to answer it. */
export interface Pending<T, R> {
  input: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Queues work per key and hands it over in batches: while one batch of a key is in flight, what arrives for that
 * key waits and goes into the next batch together, so that a burst on one key pays for one round of durable
 * writes per batch instead of one per request. An idle key's first request starts at once, alone.
 * `canJoin` keeps a request out of a batch (it waits for the next one), e.g. a second request for the same id.
 */
export class KeyedBatcher<T, R> {
  private readonly queues = new Map<string, Pending<T, R>[]>();

  constructor(
    private readonly process: (key: string, batch: Pending<T, R>[]) => Promise<void>,
    private readonly options: { maxBatch: number; canJoin: (batch: readonly T[], next: T) => boolean },
  ) {}

  submit(key: string, input: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const queued = this.queues.get(key);
      if (queued) {
        queued.push({ input, resolve, reject });
        return;
      }
      const queue = [{ input, resolve, reject }];
      this.queues.set(key, queue);
      void this.drain(key, queue);
    });
  }

  private async drain(key: string, queue: Pending<T, R>[]): Promise<void> {
    try {
      while (queue.length > 0) {
        const batch = this.take(queue);
        try {
          await this.process(key, batch);
        } catch (error) {
          // process answers every request itself; this only covers a bug in it, so no caller waits forever.
          for (const pending of batch) pending.reject(error);
        }
      }
    } finally {
      this.queues.delete(key);
    }
  }

  private take(queue: Pending<T, R>[]): Pending<T, R>[] {
    const batch: Pending<T, R>[] = [];
    const inputs: T[] = [];
    for (let i = 0; i < queue.length && batch.length < this.options.maxBatch; ) {
      if (batch.length === 0 || this.options.canJoin(inputs, queue[i].input)) {
        const [pending] = queue.splice(i, 1);
        batch.push(pending);
        inputs.push(pending.input);
      } else {
        i += 1;
      }
    }
    return batch;
  }
}
