import type { IncomingMessage } from 'node:http';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis, type Command } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';

/** Largest socket.io message a client may send (subscriptions are tiny). */
const MAX_MESSAGE_BYTES = 16 * 1024;

/**
 * The adapter drops the promises of its publish and subscribe calls: one refused (a command still queued for a Redis
 * that is down when the api stops) must not become an unhandled rejection, which would end the process with an error.
 */
class AdapterRedis extends Redis {
  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): unknown {
    const sent = super.sendCommand(command, stream);
    command.promise.catch(() => undefined);
    return sent;
  }
}

/**
 * socket.io on the api's HTTP server, with the same CORS allow-list as the REST endpoints. Browsers do not apply
 * CORS to WebSocket upgrades, so the Origin header is checked here too: no Origin (a server, a CLI) or the api's
 * own origin or a listed one. With REDIS_URL the server uses socket.io's Redis adapter (a publishing and a
 * subscribing connection), so that a broadcast, a room's disconnect or fetchSockets reaches the sockets of every api
 * replica; without it, the in-memory adapter of one process.
 */
export class LiveIoAdapter extends IoAdapter {
  private readonly logger = new Logger('LiveIo');
  private readonly redisClients: Redis[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly corsOrigins: readonly string[],
    private readonly redisUrl: string | null = null,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): unknown {
    const origins = this.corsOrigins;
    const server = super.createIOServer(port, {
      ...options,
      serveClient: false,
      maxHttpBufferSize: MAX_MESSAGE_BYTES,
      cors: origins.length > 0 ? { origin: [...origins], methods: ['GET', 'POST'] } : undefined,
      allowRequest: (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => {
        callback(null, originAllowed(req, origins));
      },
    }) as Server;
    if (this.redisUrl !== null) server.adapter(createAdapter(...this.redisPair(this.redisUrl)));
    return server;
  }

  /**
   * The adapter's two connections. A command waits for the connection rather than fail (maxRetriesPerRequest null):
   * the adapter publishes without handling a refusal, and its subscriptions must be made again after an outage.
   */
  private redisPair(url: string): [Redis, Redis] {
    const pair = (['pub', 'sub'] as const).map((role) => {
      const client = new AdapterRedis(url, { maxRetriesPerRequest: null, connectionName: `robo-live-${role}` });
      let failing = false;
      client.on('error', (error: Error) => {
        if (!failing) this.logger.warn({ err: error.message, role }, 'socket.io Redis adapter cannot reach Redis; reconnecting');
        failing = true;
      });
      client.on('ready', () => {
        if (failing) this.logger.log({ role }, 'socket.io Redis adapter reconnected');
        failing = false;
      });
      this.redisClients.push(client);
      return client;
    });
    return [pair[0]!, pair[1]!];
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    // quit() waits for the connection; a client that has none (Redis down) is dropped at once.
    await Promise.all(this.redisClients.splice(0).map((client) => (client.status === 'ready' ? client.quit().catch(() => client.disconnect()) : client.disconnect())));
  }
}

export function originAllowed(req: IncomingMessage, origins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (origins.includes(origin)) return true;
  const host = req.headers.host;
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}
