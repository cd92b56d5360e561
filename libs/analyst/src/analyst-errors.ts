/**
 * Every failure of the analyst, with a stable code and the HTTP status an edge should answer with:
 * the api maps it in one line (`status`, `code`, `message`, `details`).
 */
export const ANALYST_ERROR_STATUS = {
  /** No ANTHROPIC_API_KEY: the feature is off, everything else works. */
  ANALYST_DISABLED: 503,
  ANALYST_INVALID_REQUEST: 400,
  /** The provider kept answering 429 after the SDK's retries. */
  ANALYST_RATE_LIMITED: 429,
  /** The provider kept answering 529 (overloaded) after the SDK's retries. */
  ANALYST_PROVIDER_OVERLOADED: 503,
  /** Connection failures and 5xx after retries. */
  ANALYST_PROVIDER_UNAVAILABLE: 503,
  /** The provider refused the request itself (bad key, unknown model, malformed request): a configuration problem here. */
  ANALYST_PROVIDER_REJECTED: 502,
  /** A request or the whole question ran past its time limit. */
  ANALYST_TIMEOUT: 504,
  /** The question needed more rounds or output tokens than allowed. */
  ANALYST_LOOP_LIMIT: 422,
  /** The caller went away (the signal it passed was aborted). */
  ANALYST_CANCELLED: 499,
} as const;

export type AnalystErrorCode = keyof typeof ANALYST_ERROR_STATUS;

export class AnalystError extends Error {
  readonly status: number;
  constructor(
    public readonly code: AnalystErrorCode,
    message: string,
    public readonly details?: Record<string, unknown>,
    public override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'AnalystError';
    this.status = ANALYST_ERROR_STATUS[code];
  }
}

export const DISABLED_MESSAGE =
  'The AI analyst is disabled: set ANTHROPIC_API_KEY to an Anthropic API key in the environment of the api and restart it (see docs/analyst.md).';

export function disabledError(): AnalystError {
  return new AnalystError('ANALYST_DISABLED', DISABLED_MESSAGE, { howToEnable: 'set ANTHROPIC_API_KEY and restart the api' });
}
