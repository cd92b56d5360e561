import type { Position, ReadPosition } from '@eventstore/db-client';

/** What the client's subscribeToAll returns, reduced to what is used: pull-based iteration and a way to stop. */
export interface SubscriptionHandle<R> extends AsyncIterable<R> {
  unsubscribe(): Promise<void>;
}

export interface ResumeOptions {
  signal?: AbortSignal;
  /** True once the store is closed: the iteration ends instead of reconnecting. */
  isClosed: () => boolean;
  /** Whether a failure is worth reconnecting for (server restart, network drop) rather than surfacing. */
  isTransient: (error: unknown) => boolean;
  /** Waits between reconnections: initialMs, doubling up to maxMs; reset by the next delivered record. */
  backoff: { initialMs: number; maxMs: number };
  onReconnect?: (info: { error: unknown; delayMs: number; from: ReadPosition }) => void;
}

/** A record reduced to its log position and what (if anything) to deliver for it. */
export interface Step<T> {
  position: Position;
  item: T | null;
}

/**
 * Follows $all and survives dropped connections. Records are pulled one at a time through the subscription's
 * async iterator, so the next one is only taken after the consumer finished with the previous (backpressure all
 * the way to gRPC flow control). After a drop it resubscribes from the full {commit, prepare} of the last record
 * it handled (delivered, or skipped as not the application's), with bounded exponential backoff, and drops any
 * record at or before that point in case the server replays it. Aborting the signal ends the iteration promptly,
 * also while it waits for the next live event.
 */
export async function* resumableSubscription<R, T>(
  open: (from: ReadPosition) => SubscriptionHandle<R>,
  start: ReadPosition,
  step: (record: R) => Step<T> | null,
  options: ResumeOptions,
): AsyncGenerator<T> {
  const { signal } = options;
  let from = start;
  let handledUpTo = typeof start === 'object' ? start.commit : -1n;
  let delayMs = options.backoff.initialMs;
  const stopped = (): boolean => signal?.aborted === true || options.isClosed();

  while (!stopped()) {
    const subscription = open(from);
    const onAbort = (): void => {
      void subscription.unsubscribe().catch(() => undefined);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let failure: unknown = null;
    try {
      for await (const record of subscription) {
        const next = step(record);
        if (next === null) continue;
        from = next.position;
        if (next.position.commit <= handledUpTo) continue;
        handledUpTo = next.position.commit;
        delayMs = options.backoff.initialMs;
        if (next.item !== null) {
          yield next.item;
          if (stopped()) return;
        }
      }
      // The server ended the subscription without an error (shutdown, leader change): follow it again.
    } catch (error) {
      if (stopped()) return;
      if (!options.isTransient(error)) throw error;
      failure = error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await subscription.unsubscribe().catch(() => undefined);
    }
    if (stopped()) return;
    options.onReconnect?.({ error: failure, delayMs, from });
    await pause(delayMs, signal);
    delayMs = Math.min(delayMs * 2, options.backoff.maxMs);
  }
}

/** Resolves after ms, or at once when the signal aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
