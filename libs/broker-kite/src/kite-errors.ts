/** An error answered by Kite (`{status:"error", message, error_type}`) or made by the client for a lost answer. */
export class KiteApiError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(`${errorType}: ${message}`);
    this.name = 'KiteApiError';
  }

  /** 429: the request was refused before anything was done. */
  get rateLimited(): boolean {
    return /too many requests/i.test(this.message);
  }

  /** No answer (or a gateway error): the request may or may not have been carried out. */
  get answerLost(): boolean {
    return this.errorType === 'NetworkException' && !this.rateLimited;
  }
}

/** Kite refused an order at placement (InputException, OrderException, MarginException...): nothing was placed. */
export class KiteOrderRefused extends KiteApiError {}

export function asKiteError(error: unknown): KiteApiError {
  if (error instanceof KiteApiError) return error;
  if (error && typeof error === 'object' && 'error_type' in error) {
    const e = error as { error_type: unknown; message?: unknown };
    return new KiteApiError(String(e.error_type), String(e.message ?? ''));
  }
  return new KiteApiError('GeneralException', error instanceof Error ? error.message : String(error));
}

/** A read from Kite whose failure is a KiteApiError. */
export async function kiteCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (raw) {
    throw asKiteError(raw);
  }
}
