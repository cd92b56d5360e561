/** A caller waiting for the log's head to pass a position. */
export interface Waiter {
  readonly position: bigint;
  readonly settle: (outcome: boolean | Error) => void;
}

// setTimeout overflows above this and would fire at once.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Registers a waiter that settles on its own after timeoutMs (false) or when the signal aborts (false); the owner
 * settles it with true (head passed) or an Error. Shared by every store's head watcher.
 */
export function addWaiter(
  waiters: Set<Waiter>,
  position: bigint,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  onSettled: () => void,
): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    let timer: NodeJS.Timeout | null = null;
    const onAbort = (): void => waiter.settle(false);
    const waiter: Waiter = {
      position,
      settle: (outcome) => {
        if (!waiters.delete(waiter)) return;
        if (timer !== null) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        onSettled();
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      },
    };
    waiters.add(waiter);
    if (Number.isFinite(timeoutMs)) timer = setTimeout(() => waiter.settle(false), Math.min(Math.max(0, timeoutMs), MAX_TIMER_MS));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
