import { addWaiter, Waiter } from '../head-waiters';

/**
 * Wakes callers waiting for the log's head to pass a position. Appends made through this process call
 * notify() right after their COMMIT; appends from another process sharing the file are noticed by polling
 * the head every pollIntervalMs, and the poll timer runs only while someone is waiting.
 */
export class HeadWatcher {
  private readonly waiters = new Set<Waiter>();
  private pollTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly readHead: () => bigint,
    private readonly pollIntervalMs: number,
  ) {}

  /** True once head > position; false on timeout, abort or close. Rejects if the head cannot be read. */
  async wait(position: bigint, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.closed || signal?.aborted) return false;
    if (this.readHead() > position) return true;
    const settled = addWaiter(this.waiters, position, timeoutMs, signal, () => this.stopPollingIfIdle());
    this.startPolling();
    return settled;
  }

  /** Called after a local commit with the new head. */
  notify(head: bigint): void {
    for (const waiter of [...this.waiters]) if (head > waiter.position) waiter.settle(true);
  }

  /** Ends every wait with false; later waits return false at once. */
  close(): void {
    this.closed = true;
    for (const waiter of [...this.waiters]) waiter.settle(false);
  }

  private startPolling(): void {
    if (this.pollTimer !== null || this.waiters.size === 0) return;
    this.pollTimer = setInterval(() => this.poll(), this.pollIntervalMs);
  }

  private stopPollingIfIdle(): void {
    if (this.waiters.size > 0 || this.pollTimer === null) return;
    clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  private poll(): void {
    let head: bigint;
    try {
      head = this.readHead();
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const waiter of [...this.waiters]) waiter.settle(failure);
      return;
    }
    this.notify(head);
  }
}
