import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import pino from 'pino';
import { prettyFactory } from 'pino-pretty';
import { pinoHttp, type Options as PinoHttpOptions } from 'pino-http';
import { systemWallClock } from './clock';
import type { AppConfig } from './config/app-config';
import { correlationIdFor } from './correlation';
import { expectedRefusalOf } from './refusals';

const CENSOR = '[redacted]';

/**
 * Paths pino blanks out wherever they appear in a log line: credentials in request headers, and any field that
 * holds a key, token or secret (login bodies, error details, objects a developer logs by accident).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["idempotency-key"]',
  'req.query.token',
  'req.query.access_token',
  'req.query.apiKey',
  'res.headers["set-cookie"]',
  'authorization',
  'apiKey',
  'accessToken',
  'token',
  'secret',
  'password',
  '*.authorization',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.apiKey',
  '*.secret',
  '*.secretHash',
];

/** API keys (rtk_<kid>_<secret>), bearer credentials and token-like query values, wherever they sit in a string. */
const SECRET_PATTERNS: [RegExp, string][] = [
  [/rtk_[A-Za-z0-9]+_[A-Za-z0-9_-]+/g, `rtk_${CENSOR}`],
  [/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, CENSOR],
  [/((?:access_)?token|api_?key)=[^&\s]*/gi, `$1=${CENSOR}`],
];

/** Removes credentials from free text (a URL, an error message) before it is logged. */
export function scrubSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/** scrubSecrets over every string of a small JSON-like value (route params, a parsed query string). */
export function scrubDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, depth + 1)]));
}

type RequestMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** The root logger of an app, the Nest logger options that use it, and the middleware that gives each request its logger. */
export interface RequestLogging {
  params: Params;
  /** Must run before Nest's middleware (app.use in bootstrap): it sets req.id, the x-correlation-id header and req.log. */
  middleware: RequestMiddleware;
}

/** Levels at which pino-http's "request completed" lines (level debug) are written. */
const REQUEST_LINE_LEVELS = new Set(['trace', 'debug']);

/** pretty or json, LOG_FORMAT=auto deciding by whether the output is a terminal. */
export function resolveLogFormat(format: AppConfig['logFormat'], isTty: boolean): 'pretty' | 'json' {
  return format === 'auto' ? (isTty ? 'pretty' : 'json') : format;
}

/**
 * Where log lines go: JSON as pino writes them, or each line made readable (time, level, message, then the fields on
 * the same line; colours on a terminal). Synchronous, so a line written just before an exit is not lost.
 */
export function logDestination(format: 'pretty' | 'json', destination?: pino.DestinationStream, colorize = false): pino.DestinationStream {
  const target = destination ?? pino.destination({ dest: 1, sync: true });
  if (format === 'json') return target;
  const prettify = prettyFactory({ colorize, singleLine: true, translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l o', ignore: 'pid,hostname' });
  return { write: (line: string) => target.write(prettify(line)) };
}

const made = new WeakMap<AppConfig, RequestLogging>();

/**
 * Structured pino logs: a correlationId on every line written during a request, secrets never written; JSON lines, or
 * one readable line per entry (LOG_FORMAT=pretty, the default on a terminal). At debug and below, pino-http writes a
 * line per request with its headers (redacted). At info and above it would write only the
 * lines of failed (5xx) requests, yet it still makes three child loggers per request, serializing and redacting the
 * request each time: about a tenth of the api's CPU under load. There a lighter middleware makes one child logger
 * (the correlationId) and writes the same "request errored" line for a 5xx. One per config: the module and the
 * bootstrap share the root logger. `destination` (tests): where lines go instead of stdout.
 */
export function requestLogging(config: AppConfig, destination?: pino.DestinationStream): RequestLogging {
  const existing = made.get(config);
  if (existing) return existing;
  const options: PinoHttpOptions = {
    level: config.logLevel,
    genReqId: (req, res) => correlationIdFor(req, res),
    customAttributeKeys: { reqId: 'correlationId' },
    redact: { paths: REDACTED_PATHS, censor: CENSOR },
    serializers: {
      // A credential pasted into a URL (a query parameter, a path segment) must not reach the log either.
      req: (req: { url?: unknown; params?: unknown; query?: unknown }) => {
        if (typeof req.url === 'string') req.url = scrubSecrets(req.url);
        req.params = scrubDeep(req.params);
        req.query = scrubDeep(req.query);
        return req;
      },
      err: (err: { message?: unknown; stack?: unknown }) => {
        if (typeof err.message === 'string') err.message = scrubSecrets(err.message);
        if (typeof err.stack === 'string') err.stack = scrubSecrets(err.stack);
        return err;
      },
    },
    autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
    quietReqLogger: true,
    // A refusal the api meant to give is not an error: warn, and no error object (no stack).
    // A line per request is for debugging (LOG_LEVEL=debug); failures are written at every level up to error.
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? (expectedRefusalOf(res) !== undefined ? 'warn' : 'error') : 'debug'),
    customErrorObject: (_req, res, _error, value: Record<string, unknown>) => {
      const refusal = expectedRefusalOf(res);
      if (refusal === undefined) return value;
      const { err: _err, ...rest } = value;
      return { ...rest, refusal };
    },
    customErrorMessage: (_req, res) => (expectedRefusalOf(res) !== undefined ? 'request refused' : 'request errored'),
  };
  const settings = { level: options.level, redact: options.redact, serializers: options.serializers };
  const format = resolveLogFormat(config.logFormat, destination === undefined && process.stdout.isTTY === true);
  const root = pino(settings, logDestination(format, destination, destination === undefined && process.stdout.isTTY === true));
  const middleware: RequestMiddleware = REQUEST_LINE_LEVELS.has(config.logLevel) ? pinoHttp({ ...options, logger: root }) : failedRequestLogger(root);
  const logging: RequestLogging = { params: { pinoHttp: { logger: root }, useExisting: true }, middleware };
  made.set(config, logging);
  return logging;
}

/** Nest logger options (LoggerModule.forRoot); the api also installs requestLogging(config).middleware. */
export function loggerOptions(config: AppConfig): Params {
  return requestLogging(config).params;
}

/** One child logger per request, and a line only for a request that failed (5xx), as pino-http writes it at error. */
function failedRequestLogger(root: pino.Logger): RequestMiddleware {
  return (req, res, next) => {
    const id = correlationIdFor(req, res);
    const log = root.child({ correlationId: id });
    Object.assign(req, { id, log });
    const started = systemWallClock.monotonicMs();
    const elapsedMs = () => Math.round(systemWallClock.monotonicMs() - started);
    res.once('finish', () => {
      if (res.statusCode < 500) return;
      const refusal = expectedRefusalOf(res);
      if (refusal !== undefined) {
        log.warn({ req: { method: req.method, url: scrubSecrets(req.url ?? '') }, res: { statusCode: res.statusCode }, responseTime: elapsedMs(), refusal }, 'request refused');
        return;
      }
      log.error(
        { req: { method: req.method, url: scrubSecrets(req.url ?? '') }, res: { statusCode: res.statusCode }, responseTime: elapsedMs() },
        'request errored',
      );
    });
    next();
  };
}
