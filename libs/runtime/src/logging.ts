import type { Params } from 'nestjs-pino';
import type { AppConfig } from './config/app-config';
import { correlationIdFor } from './correlation';

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

/** Structured pino logs: a correlationId on every request line, secrets never written. */
export function loggerOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      genReqId: (req, res) => correlationIdFor(req, res),
      customProps: (req) => ({ correlationId: (req as { id?: unknown }).id }),
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
    },
  };
}
