import { AnthropicError, APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { AnalystError } from './analyst-errors';

/** Why the analyst aborted a request itself: its wall-time bound, or the caller's signal. */
export type AbortCause = 'wall_time' | 'cancelled';

export interface Failure {
  error: AnalystError;
  /** Recorded in AnalystFailed.reason. */
  reason: string;
}

/**
 * Maps what the SDK throws (after its own retries) to the analyst's codes. The SDK retries 408, 409, 429, 5xx and
 * 529 and connection errors with exponential backoff (honouring retry-after); what arrives here is final.
 * Errors that are not the provider's (a store failure while recording) return null and pass through unchanged.
 */
export function providerFailure(error: unknown, abortCause: AbortCause | null): Failure | null {
  if (error instanceof AnalystError) return { error, reason: reasonOf(error) };
  if (abortCause === 'wall_time') return { error: new AnalystError('ANALYST_TIMEOUT', 'the question took longer than its time limit', { reason: 'wall_time' }), reason: 'wall_time' };
  if (abortCause === 'cancelled' || error instanceof APIUserAbortError) {
    return { error: new AnalystError('ANALYST_CANCELLED', 'the question was cancelled by the caller'), reason: 'cancelled' };
  }
  if (error instanceof APIConnectionTimeoutError) {
    return { error: new AnalystError('ANALYST_TIMEOUT', 'the AI provider did not answer in time', { reason: 'request_timeout' }, error), reason: 'request_timeout' };
  }
  if (error instanceof APIConnectionError) {
    return { error: new AnalystError('ANALYST_PROVIDER_UNAVAILABLE', 'the AI provider cannot be reached; try again later', { reason: 'connection' }, error), reason: 'provider_unavailable' };
  }
  if (error instanceof APIError) {
    const details = { providerStatus: error.status ?? null, providerErrorType: error.type ?? null, requestId: error.requestID ?? null };
    if (error.status === 429 || error.type === 'rate_limit_error') {
      const retryAfter = error.headers?.get('retry-after') ?? null;
      return { error: new AnalystError('ANALYST_RATE_LIMITED', 'the AI provider is rate limiting this application; try again shortly', { ...details, retryAfter }, error), reason: 'rate_limited' };
    }
    if (error.status === 529 || error.type === 'overloaded_error') {
      return { error: new AnalystError('ANALYST_PROVIDER_OVERLOADED', 'the AI provider is overloaded; try again shortly', details, error), reason: 'provider_overloaded' };
    }
    if (error.status === undefined || error.status >= 500 || error.type === 'api_error') {
      return { error: new AnalystError('ANALYST_PROVIDER_UNAVAILABLE', 'the AI provider failed; try again later', details, error), reason: 'provider_unavailable' };
    }
    return {
      error: new AnalystError('ANALYST_PROVIDER_REJECTED', `the AI provider refused the request (${error.status}${error.type ? ` ${error.type}` : ''}); check the analyst's configuration`, details, error),
      reason: 'provider_rejected',
    };
  }
  if (error instanceof AnthropicError) {
    return { error: new AnalystError('ANALYST_PROVIDER_UNAVAILABLE', 'the AI provider client failed', { reason: 'client' }, error), reason: 'provider_unavailable' };
  }
  return null;
}

function reasonOf(error: AnalystError): string {
  const reason = error.details?.reason;
  return typeof reason === 'string' ? reason : error.code.toLowerCase();
}
