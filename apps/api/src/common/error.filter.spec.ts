import { type ArgumentsHost, Logger } from '@nestjs/common';
import { StoreRequestFailedError, StoreUnavailableError } from '@robo/event-store';
import { ErrorFilter, mapError } from './error.filter';

/** What the filter wrote on a response: status, headers and body. */
function answer(error: unknown) {
  const written: { status: number | null; headers: Record<string, string>; body: unknown } = { status: null, headers: {}, body: null };
  const res = {
    headersSent: false,
    locals: {},
    getHeader: (name: string) => written.headers[name.toLowerCase()],
    setHeader: (name: string, value: string) => {
      written.headers[name.toLowerCase()] = value;
    },
    status(code: number) {
      written.status = code;
      return this;
    },
    json(body: unknown) {
      written.body = body;
      return this;
    },
  };
  const req = { headers: { 'x-correlation-id': 'corr-1' } };
  const host = { getType: () => 'http', switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) } as unknown as ArgumentsHost;
  new ErrorFilter().catch(error, host);
  return written;
}

describe('a request the store refused for good (StoreRequestFailedError)', () => {
  beforeAll(() => Logger.overrideLogger(false));
  const refused = new StoreRequestFailedError('EventStoreDB refused the request while reading $all: Unknown error: position 41 is not a record');

  it('answers 502 STORE_REQUEST_FAILED, not 500 INTERNAL_ERROR, without the server text', () => {
    const mapped = mapError(refused);
    expect([mapped.status, mapped.code]).toEqual([502, 'STORE_REQUEST_FAILED']);
    expect(mapped.message).not.toContain('position 41');
  });

  it('carries no Retry-After (retrying gives the same answer), unlike an unavailable store', () => {
    const failed = answer(refused);
    expect(failed.status).toBe(502);
    expect(failed.body).toMatchObject({ code: 'STORE_REQUEST_FAILED', correlationId: expect.any(String) });
    expect(failed.headers['retry-after']).toBeUndefined();
    const unavailable = answer(new StoreUnavailableError('down'));
    expect([unavailable.status, unavailable.headers['retry-after']]).toEqual([503, '1']);
  });
});
