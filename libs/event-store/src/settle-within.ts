/**
 * The outcome of `work`, or a rejection with timeoutError() when it has not settled within `ms` (a readiness probe
 * must not hang on a dead server). The race keeps a handler on `work`, so its late rejection is not unhandled.
 */
export async function settleWithin<T>(work: Promise<T>, ms: number, timeoutError: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError()), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
