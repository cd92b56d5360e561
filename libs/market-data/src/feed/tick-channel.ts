/**
 * Fan-out of published batches to pull-based async iterators. Each iterator has its own bounded queue: a consumer
 * that falls behind loses the oldest batches (conflation), never blocks the publisher and never grows memory.
 */
export class TickChannel<T> {
  private readonly consumers = new Set<{ queue: T[]; wake: (() => void) | null }>();
  private readonly listeners = new Set<(value: T) => void>();
  private closed = false;

  constructor(private readonly capacity = 256) {}

  publish(value: T): void {
    if (this.closed) return;
    for (const listener of [...this.listeners]) listener(value);
    for (const consumer of this.consumers) {
      consumer.queue.push(value);
      if (consumer.queue.length > this.capacity) consumer.queue.shift();
      consumer.wake?.();
    }
  }

  subscribe(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Ends every iteration once its queue is drained. */
  close(): void {
    this.closed = true;
    for (const consumer of this.consumers) consumer.wake?.();
  }

  async *iterate(signal?: AbortSignal): AsyncGenerator<T, void, undefined> {
    const consumer: { queue: T[]; wake: (() => void) | null } = { queue: [], wake: null };
    this.consumers.add(consumer);
    const onAbort = () => consumer.wake?.();
    signal?.addEventListener('abort', onAbort);
    try {
      while (!signal?.aborted) {
        const next = consumer.queue.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (this.closed) return;
        await new Promise<void>((resolve) => (consumer.wake = resolve));
        consumer.wake = null;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.consumers.delete(consumer);
    }
  }
}
