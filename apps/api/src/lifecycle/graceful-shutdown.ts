import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { ShutdownService } from './shutdown.service';

/**
 * SIGTERM/SIGINT: stop accepting connections, refuse new requests on open ones (503 SHUTTING_DOWN), let the
 * requests in flight finish (bounded by timeoutMs), then close the application: the projector commits its
 * checkpoints, the reactors stop, the stores close. Exit code 0 when all of that went through.
 */
export function installGracefulShutdown(app: INestApplication, timeoutMs: number, exit: (code: number) => void = (code) => process.exit(code)): void {
  let stopping = false;
  const logger = new Logger('Shutdown');
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return;
    stopping = true;
    try {
      const shutdown = app.get(ShutdownService);
      const server = app.getHttpServer() as Server;
      logger.log({ signal, inFlight: shutdown.requestsInFlight }, 'shutting down: refusing new requests, finishing those in flight');
      const drained = shutdown.drain(timeoutMs);
      server.close();
      server.closeIdleConnections();
      const finished = await drained;
      if (!finished) logger.warn({ inFlight: shutdown.requestsInFlight, timeoutMs }, 'requests still in flight after the shutdown timeout; closing anyway');
      server.closeAllConnections();
      await app.close();
      logger.log('stopped: projector checkpoints committed, stores closed');
      exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
