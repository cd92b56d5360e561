import type { IncomingMessage } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { ServerOptions } from 'socket.io';

/** Largest socket.io message a client may send (subscriptions are tiny). */
const MAX_MESSAGE_BYTES = 16 * 1024;

/**
 * socket.io on the api's HTTP server, with the same CORS allow-list as the REST endpoints. Browsers do not apply
 * CORS to WebSocket upgrades, so the Origin header is checked here too: no Origin (a server, a CLI) or the api's
 * own origin or a listed one.
 */
export class LiveIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly corsOrigins: readonly string[],
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): unknown {
    const origins = this.corsOrigins;
    return super.createIOServer(port, {
      ...options,
      serveClient: false,
      maxHttpBufferSize: MAX_MESSAGE_BYTES,
      cors: origins.length > 0 ? { origin: [...origins], methods: ['GET', 'POST'] } : undefined,
      allowRequest: (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => {
        callback(null, originAllowed(req, origins));
      },
    });
  }
}

export function originAllowed(req: IncomingMessage, origins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (origins.includes(origin)) return true;
  const host = req.headers.host;
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}
