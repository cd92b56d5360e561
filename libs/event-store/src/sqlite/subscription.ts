import { setImmediate as nextTurn } from 'node:timers/promises';
import type { EventEnvelope } from '../envelope';
import type { AllFilter, SubscribeOptions } from '../event-store.port';

/** One bounded read of the log: matching events after `after`, and how far the read looked. */
export interface ScanResult {
  readonly events: EventEnvelope[];
  /** Every event up to here has been looked at (delivered or filtered out). */
  readonly scannedTo: bigint;
  /** The log's head when the scan ran. */
  readonly head: bigint;
}

export interface SubscriptionSource {
  scan(after: bigint, maxCount: number, filter: AllFilter | undefined): ScanResult;
  waitForEventsAfter(position: bigint, options: { timeoutMs: number; signal?: AbortSignal }): Promise<boolean>;
  isClosed(): boolean;
}

/**
 * Catch-up then live delivery. The generator body only runs when the consumer asks for the next event, so a
 * page is read only after the previous one was handled (backpressure). When caught up it sleeps in
 * waitForEventsAfter, which local appends, polling, abort and close() all end.
 */
export async function* subscribeAll(source: SubscriptionSource, options: SubscribeOptions, pageSize: number): AsyncGenerator<EventEnvelope> {
  const { signal, filter } = options;
  let checkpoint = options.after ?? 0n;
  while (!signal?.aborted && !source.isClosed()) {
    const page = source.scan(checkpoint, pageSize, filter);
    for (const event of page.events) {
      yield event;
      checkpoint = event.globalPosition;
      if (signal?.aborted) return;
    }
    checkpoint = page.scannedTo;
    if (page.scannedTo >= page.head) {
      await source.waitForEventsAfter(checkpoint, { timeoutMs: Infinity, signal });
    } else if (page.events.length === 0) {
      // A window with nothing for this filter: let I/O run before scanning the next one.
      await nextTurn();
    }
  }
}
