import { addWaiter, Waiter } from '../head-waiters';

export interface EsdbHeadWatcherOptions {
  /** Reads the position of the log's last application event. */
  readHead: () => Promise<bigint>;
  /** Positions of application events appended after `after`, live, until the signal aborts. */
  follow: (after: bigint, signal: AbortSignal) => AsyncIterable<bigint>;
  /** How long the live subscription stays open after the last waiter left (projection loops come back often). */
  idleCloseMs?: number;
}

/**
 * waitForEventsAfter() for EventStoreDB: one shared live subscription (started on demand, closed when idle)
 * wakes every waiter whose position the log has passed, instead of one subscription per call. Appends made
 * through this process call notify() directly. The subscription starts from the head read when it opens, so
 * an event landing between that read and the subscription is still seen.
 */
export class EsdbHeadWatcher {
  private readonly waiters = new Set<Waiter>();
  private known = 0n;
  private live: AbortController | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: EsdbHeadWatcherOptions) {}

  async wait(position: bigint, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.closed || signal?.aborted) return false;
    if (this.known > position) return true;
    const head = await this.options.readHead();
    this.notify(head);
    if (head > position) return true;
    if (this.closed || signal?.aborted) return false;
    const settled = addWaiter(this.waiters, position, timeoutMs, signal, () => this.scheduleIdleClose());
    this.startLive(head);
    return settled;
  }

  /** A new head: wakes the waiters it passes. */
  notify(head: bigint): void {
    if (head > this.known) this.known = head;
    for (const waiter of [...this.waiters]) if (head > waiter.position) waiter.settle(true);
  }

  /** Ends every wait with false and the live subscription; later waits return false at once. */
  close(): void {
    this.closed = true;
    this.stopLive();
    for (const waiter of [...this.waiters]) waiter.settle(false);
  }

  private startLive(from: bigint): void {
    if (this.idleTimer !== null) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    if (this.live !== null || this.closed) return;
    const controller = new AbortController();
    this.live = controller;
    void (async () => {
      try {
        for await (const position of this.options.follow(from, controller.signal)) this.notify(position);
      } catch (error) {
        // Only a failure the subscription could not ride out gets here (it reconnects on transient ones).
        const failure = error instanceof Error ? error : new Error(String(error));
        for (const waiter of [...this.waiters]) waiter.settle(failure);
      } finally {
        if (this.live === controller) this.live = null;
      }
    })();
  }

  private scheduleIdleClose(): void {
    if (this.waiters.size > 0 || this.live === null || this.idleTimer !== null) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.waiters.size === 0) this.stopLive();
    }, this.options.idleCloseMs ?? 5000);
    this.idleTimer.unref();
  }

  private stopLive(): void {
    if (this.idleTimer !== null) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    this.live?.abort();
    this.live = null;
  }
}
