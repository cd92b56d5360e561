import { AnthropicError, APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { AnalystError } from './analyst-errors';
import { providerFailure } from './provider-errors';

/** Errors as the SDK builds them from a response (APIError.generate picks the class by status). */
const fromStatus = (status: number, type: string, headers: Record<string, string> = {}) =>
  APIError.generate(status, { type: 'error', error: { type, message: `${type} happened` } }, undefined, new Headers(headers));

describe('providerFailure', () => {
  it.each<[string, unknown, string, number, string]>([
    ['429', fromStatus(429, 'rate_limit_error', { 'retry-after': '7' }), 'ANALYST_RATE_LIMITED', 429, 'rate_limited'],
    ['529', fromStatus(529, 'overloaded_error'), 'ANALYST_PROVIDER_OVERLOADED', 503, 'provider_overloaded'],
    ['overloaded in a stream (no status)', new APIError(undefined, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, undefined, undefined, 'overloaded_error'), 'ANALYST_PROVIDER_OVERLOADED', 503, 'provider_overloaded'],
    ['500', fromStatus(500, 'api_error'), 'ANALYST_PROVIDER_UNAVAILABLE', 503, 'provider_unavailable'],
    ['401', fromStatus(401, 'authentication_error'), 'ANALYST_PROVIDER_REJECTED', 502, 'provider_rejected'],
    ['a connection error', new APIConnectionError({ message: 'ECONNREFUSED' }), 'ANALYST_PROVIDER_UNAVAILABLE', 503, 'provider_unavailable'],
    ['a request timeout', new APIConnectionTimeoutError(), 'ANALYST_TIMEOUT', 504, 'request_timeout'],
    ['an abort nobody asked for', new APIUserAbortError(), 'ANALYST_CANCELLED', 499, 'cancelled'],
    ['another SDK error', new AnthropicError('bad'), 'ANALYST_PROVIDER_UNAVAILABLE', 503, 'provider_unavailable'],
  ])('maps %s', (_label, error, code, status, reason) => {
    const failure = providerFailure(error, null);
    expect(failure?.error).toBeInstanceOf(AnalystError);
    expect(failure).toMatchObject({ error: { code, status }, reason });
  });

  it('keeps the retry-after hint of a rate limit', () => {
    expect(providerFailure(fromStatus(429, 'rate_limit_error', { 'retry-after': '7' }), null)?.error.details).toMatchObject({ retryAfter: '7', providerStatus: 429 });
  });

  it('names our own aborts by their cause, whatever the SDK threw', () => {
    expect(providerFailure(new APIUserAbortError(), 'wall_time')).toMatchObject({ error: { code: 'ANALYST_TIMEOUT' }, reason: 'wall_time' });
    expect(providerFailure(new Error('aborted'), 'cancelled')).toMatchObject({ error: { code: 'ANALYST_CANCELLED' }, reason: 'cancelled' });
  });

  it('leaves errors that are not the provider\'s alone', () => {
    expect(providerFailure(Object.assign(new Error('disk'), { code: 'STORE_UNAVAILABLE' }), null)).toBeNull();
  });
});
