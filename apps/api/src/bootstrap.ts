import 'reflect-metadata';
import * as fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as path from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import serveStatic from 'serve-static';
import { Logger } from 'nestjs-pino';
import { applyContract, type OpenApiDocument } from '@robo/contract';
import { AppConfig, requestLogging } from '@robo/runtime';
import { AppModule } from './app.module';
import { ErrorFilter } from './common/error.filter';
import { answerClientErrorsWithCodes } from './common/client-errors';
import { verifyJsonBody } from './common/json-depth';
import { createValidationPipe } from './common/validation';
import { documentPathParams } from './common/path-param-schemas';
import { ShutdownService } from './lifecycle/shutdown.service';
import { LiveIoAdapter } from './live/live-io.adapter';

/** Paths the api answers itself; no file of the dashboard lives under them. */
const NOT_DASHBOARD = /^\/(api|auth|health|metrics|docs|socket\.io)(\/|\?|$)/;

/** The built dashboard if there is one, else the placeholder page. */
function webRoot(): string | null {
  const candidates = [path.resolve('web/dist'), path.resolve('web/public'), path.resolve(__dirname, '../../../../web/public')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html'))) ?? null;
}

/**
 * The api as a Nest application, not yet listening. Signals are handled by main.ts (graceful shutdown); tests
 * call app.close() themselves.
 */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  // abortOnError false: a start-up failure (a ConfigError from a module factory) reaches main.ts, which exits 78.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bufferLogs: true, bodyParser: false, abortOnError: false, logger: false });
  app.useLogger(app.get(Logger));
  // First: refuse new requests while shutting down, count the ones in flight.
  app.use(app.get(ShutdownService).middleware);
  // Before Nest's middleware: its logger binding (nestjs-pino, useExisting) takes req.log from here.
  app.use(requestLogging(config).middleware);
  app.use(helmet());
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins,
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-correlation-id'],
      exposedHeaders: ['x-correlation-id', 'retry-after'],
      maxAge: 600,
    });
  }
  // The nesting depth is checked on the raw bytes, before the body is parsed or any framework code walks it.
  app.useBodyParser('json', { limit: config.bodyLimit, strict: true, verify: verifyJsonBody });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ErrorFilter());
  app.useWebSocketAdapter(new LiveIoAdapter(app, config.corsOrigins, config.redisUrl));
  app.disable('x-powered-by');
  answerClientErrorsWithCodes(app.getHttpServer());

  // Path parameters documented as strictly as their pipes validate them (common/path-param-schemas.ts).
  documentPathParams(app);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Robo Trader API')
      .setDescription(
        'Event-sourced trading backend: commands append events, queries read projections. Money is integer paise. ' +
          'Every endpoint but /health and POST /auth/token needs "Authorization: Bearer <token>" (an access token from POST /auth/token, or an API key).',
      )
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  // The responses of every operation come from the contract (libs/contract): one set of schemas for the document,
  // the dashboard's types and the contract tests. An operation the contract does not know is published without
  // responses, which apps/api/test/openapi-contract.e2e-spec.ts refuses.
  applyContract(document as unknown as OpenApiDocument);
  SwaggerModule.setup('docs', app, document);

  const web = webRoot();
  if (web) {
    const serve = serveStatic(web, { index: 'index.html' });
    // The dashboard's files: API paths skip the file-system look-up every request would otherwise make first.
    app.use((req: IncomingMessage, res: ServerResponse, next: () => void) => (NOT_DASHBOARD.test(req.url ?? '') ? next() : serve(req, res, next)));
  }
  return app;
}
