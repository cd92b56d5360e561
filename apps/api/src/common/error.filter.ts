import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AnalystError } from '@robo/analyst';
import { DomainError } from '@robo/domain';
import { DuplicateEventIdError, StoreRequestFailedError, StoreUnavailableError, WrongExpectedVersionError } from '@robo/event-store';
import { ApiError, ErrorBody } from './api-error';
import { REJECTION_STATUS } from './outcome-response';
import { correlationIdFor, markExpectedRefusal } from '@robo/runtime';

/** Stores that can go away: the read store and the credential store say so by their error's code. */
const UNAVAILABLE_CODES = ['READ_STORE_UNAVAILABLE', 'CREDENTIAL_STORE_UNAVAILABLE'];
/** Read-store errors a query can cause (a forged cursor, for one). */
const READ_MODEL_CODES: Record<string, number> = { INVALID_QUERY: 400, INVALID_CURSOR: 400, INVALID_NAME: 400, UNKNOWN_PROJECTION: 404 };

interface Mapped {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

function hasCode(error: unknown): error is { code: string; message: string } {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}

/** One mapping from every failure to `{ code, message, details?, correlationId }`; no stack traces leave. */
export function mapError(error: unknown): Mapped {
  if (error instanceof ApiError) return { status: error.status, code: error.code, message: error.message, details: error.details };
  if (error instanceof AnalystError) return { status: error.status, code: error.code, message: error.message, details: error.details };
  if (error instanceof DomainError) {
    return { status: REJECTION_STATUS[error.kind], code: error.code, message: error.message, details: error.details };
  }
  if (error instanceof WrongExpectedVersionError) {
    return { status: 409, code: 'VERSION_CONFLICT', message: 'the stream changed concurrently; retry the command', details: { stream: error.streamName } };
  }
  if (error instanceof DuplicateEventIdError) {
    return { status: 409, code: 'DUPLICATE_EVENT', message: 'this command was already applied differently' };
  }
  if (error instanceof StoreUnavailableError || (hasCode(error) && UNAVAILABLE_CODES.includes(error.code))) {
    return { status: 503, code: hasCode(error) ? error.code : 'STORE_UNAVAILABLE', message: 'storage is unavailable; retry later' };
  }
  if (error instanceof StoreRequestFailedError) {
    // The store's server refused the request for good (a bad request, its internal error): the gateway's answer, a
    // fault to report, and no Retry-After since the same request fails again. Its text stays in the log.
    return { status: 502, code: 'STORE_REQUEST_FAILED', message: 'the store refused the request; retrying will not help, report it with the correlation id' };
  }
  if (hasCode(error) && error.code === 'RESPONSE_TOO_LARGE') {
    return { status: 422, code: error.code, message: error.message, details: (error as { details?: unknown }).details };
  }
  if (hasCode(error) && READ_MODEL_CODES[error.code] !== undefined) {
    return { status: READ_MODEL_CODES[error.code], code: error.code, message: error.message };
  }
  // Errors raised by the HTTP layer before a route runs (body parser, unknown route).
  const httpish = error as { status?: unknown; statusCode?: unknown; type?: unknown };
  if (error instanceof HttpException) {
    const status = error.getStatus();
    // Nest turns the body parser's SyntaxError and a bad %-encoding in the path into a bare 400.
    if (status === 400) {
      return /JSON/.test(error.message)
        ? { status, code: 'MALFORMED_JSON', message: 'the request body is not valid JSON' }
        : { status, code: 'MALFORMED_REQUEST', message: 'the request could not be parsed' };
    }
    if (status === 404) return { status, code: 'ROUTE_NOT_FOUND', message: 'no such endpoint' };
    return { status, code: `HTTP_${status}`, message: error.message };
  }
  const status = typeof httpish.status === 'number' ? httpish.status : typeof httpish.statusCode === 'number' ? httpish.statusCode : 0;
  if (status >= 400 && status < 500) {
    const type = typeof httpish.type === 'string' ? httpish.type : '';
    if (type === 'entity.parse.failed') return { status: 400, code: 'MALFORMED_JSON', message: 'the request body is not valid JSON' };
    if (type === 'entity.too.large') return { status: 413, code: 'BODY_TOO_LARGE', message: 'the request body is too large' };
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      return { status: 415, code: 'UNSUPPORTED_ENCODING', message: 'unsupported body encoding' };
    }
    return { status, code: `HTTP_${status}`, message: 'the request could not be processed' };
  }
  return { status: 500, code: 'INTERNAL_ERROR', message: 'an unexpected error occurred' };
}

/** Errors the api raises on purpose, with a code: refusals, not faults (a store going away is a fault). */
function isDeliberate(error: unknown): boolean {
  return error instanceof ApiError || error instanceof AnalystError || error instanceof DomainError;
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    // socket.io handlers answer through their acknowledgements and never throw; nothing to write here.
    if (host.getType() !== 'http') {
      this.logger.error({ err: error }, 'unhandled error outside HTTP');
      return;
    }
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const mapped = mapError(error);
    const correlationId = correlationIdFor(req, res);
    if (mapped.status >= 500 && isDeliberate(error)) {
      // A refusal the api chose to give (the analyst is disabled, a rule answered 503): no fault, no stack.
      markExpectedRefusal(res, mapped.code);
      this.logger.warn({ correlationId, code: mapped.code, status: mapped.status }, 'request refused');
    } else if (mapped.status >= 500) {
      this.logger.error({ err: error, correlationId, code: mapped.code }, 'request failed');
    }
    const body: ErrorBody = { code: mapped.code, message: mapped.message, correlationId };
    if (mapped.details !== undefined) body.details = mapped.details;
    if (mapped.status === 503 && !res.headersSent) res.setHeader('Retry-After', '1');
    if (mapped.status === 401 && !res.headersSent) res.setHeader('WWW-Authenticate', `Bearer error="invalid_token", error_description="${mapped.code}"`);
    if (!res.headersSent) res.status(mapped.status).json(body);
  }
}
