import type { Params } from 'nestjs-pino';
import type { AppConfig } from './config/app-config';
import { correlationIdFor } from './correlation';

/** Structured pino logs: a correlationId on every request line, secrets never written. */
export function loggerOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      genReqId: (req, res) => correlationIdFor(req, res),
      customProps: (req) => ({ correlationId: (req as { id?: unknown }).id }),
      customAttributeKeys: { reqId: 'correlationId' },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-api-key"]',
          'req.headers["idempotency-key"]',
          'res.headers["set-cookie"]',
          '*.password',
          '*.token',
          '*.apiKey',
          '*.secret',
        ],
        censor: '[redacted]',
      },
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
      quietReqLogger: true,
    },
  };
}
