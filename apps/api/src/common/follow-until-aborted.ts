/**
 * Runs a log follower until `signal` aborts: when `follow` fails (a store going away, a stream changing under it),
 * `onFailure` is told and it starts again after a pause that doubles from 100 ms to 5 s, back to 100 ms once a run
 * ends without failing. The reactors that follow the log (settlement, broker routing) share it.
 */
export async function followUntilAborted(signal: AbortSignal, follow: () => Promise<void>, onFailure: (error: unknown, retryInMs: number) => void): Promise<void> {
  let backoff = 100;
  while (!signal.aborted) {
    try {
      await follow();
      backoff = 100;
    } catch (error) {
      if (signal.aborted) break;
      onFailure(error, backoff);
      await new Promise((resolve) => setTimeout(resolve, backoff));
      backoff = Math.min(backoff * 2, 5000);
    }
  }
}
