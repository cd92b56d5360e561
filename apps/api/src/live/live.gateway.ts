import { systemWallClock } from '@robo/clock';
import { BeforeApplicationShutdown, Inject, Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { READ_MODEL_STORE, DocumentReader } from '@robo/read-models';
import { AccessService } from '../auth/access.service';
import { Authenticator } from '../auth/authenticator.service';
import type { Principal } from '../auth/principal';
import { ApiError } from '../common/api-error';
import { mayReadStrategy, strategyAccounts } from '../performance/strategy-accounts';
import { LiveFeedService, type Snapshot } from './live-feed.service';
import { Ack, ACCOUNT_ROOM_PREFIX, AUDIT_ROOM, parseTopic, STRATEGY_ROOM_PREFIX, TOPIC_HELP, type Topic } from './live-topics';

const MAX_SUBSCRIPTIONS = 100;
/** How often connected sockets are checked against their key (revoked keys are dropped, removed grants left). */
const RECHECK_MS = 5000;

interface SocketData {
  principal: Principal;
  /** The accounts of each strategy room joined, as found at subscription (re-checked against the key). */
  strategies?: Map<string, ReadonlySet<string>>;
  /** Closes the connection when the access token it was opened (or last re-authenticated) with expires. */
  expiryTimer?: NodeJS.Timeout;
}

/** Sent just before the server closes a connection whose access token expired. */
export const SESSION_EXPIRED_EVENT = 'session_expired';

/**
 * Live updates over socket.io. A connection must carry a bearer credential in its handshake
 * (`io(url, { auth: { token } })`, an access token or an API key), or it is refused with a connect_error whose
 * message is the error code. Then `subscribe` to `account:<id>` (whoever may read the account) or `audit`
 * (auditors and admins) or `strategy:<id>` (whoever may read every account the strategy traded); every call is
 * acknowledged with `{ ok: true, topic, seq, position }` or `{ ok: false, code, message }`. Then the room gets `update`
 * messages (see LiveFeedService); `snapshot` with the same topic answers the room's current documents and seq.
 * A connection opened with an access token lasts as long as the token: at its expiry the server sends
 * `session_expired` and disconnects, unless `reauth` with a newer credential of the same key came first.
 */
@WebSocketGateway()
export class LiveGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown {
  private readonly logger = new Logger('LiveGateway');
  private server: Server | null = null;
  private recheckTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly authenticator: Authenticator,
    private readonly access: AccessService,
    private readonly feed: LiveFeedService,
    @Inject(READ_MODEL_STORE) private readonly reads: DocumentReader,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  afterInit(server: Server): void {
    this.server = server;
    server.use((socket, next) => {
      const raw = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      const token = credentialOf(raw);
      this.authenticator.authenticate(token, { bearerScheme: false }).then(
        (principal) => {
          (socket.data as SocketData).principal = principal;
          next();
        },
        (error: unknown) => {
          const { code, message } = describe(error);
          next(Object.assign(new Error(code), { data: { code, message } }));
        },
      );
    });
    this.feed.attach(server);
    this.recheckTimer = setInterval(() => void this.recheck(), RECHECK_MS);
  }

  beforeApplicationShutdown(): void {
    if (this.recheckTimer) clearInterval(this.recheckTimer);
  }

  handleConnection(socket: Socket): void {
    this.armExpiry(socket, (socket.data as SocketData).principal.tokenExpiresAtMs);
  }

  handleDisconnect(socket: Socket): void {
    clearTimeout((socket.data as SocketData).expiryTimer);
  }

  /**
   * A newer credential for the connection (`{ token }`: an access token or an API key of the same key): the
   * connection then lasts as long as that one, and keeps its rooms. Answers `{ ok: true, expiresAt }` (null for an
   * API key) or `{ ok: false, code, message }`; a refused reauth leaves the current expiry as it was.
   */
  @SubscribeMessage('reauth')
  async reauth(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<{ ok: true; expiresAt: string | null } | Ack> {
    const token = credentialOf(typeof body === 'string' ? body : body !== null && typeof body === 'object' ? (body as { token?: unknown }).token : undefined);
    if (token === undefined || token.trim() === '') return refuse('INVALID_TOKEN', 'reauth needs { token: "<access token or API key>" }');
    try {
      const principal = await this.authenticator.authenticate(token, { bearerScheme: false });
      const data = socket.data as SocketData;
      if (principal.kid !== data.principal.kid) {
        return refuse('KEY_MISMATCH', 'reauth takes a credential of the key the connection was opened with; open a new connection for another key');
      }
      data.principal = principal;
      this.armExpiry(socket, principal.tokenExpiresAtMs);
      return { ok: true, expiresAt: principal.tokenExpiresAtMs === undefined ? null : new Date(principal.tokenExpiresAtMs).toISOString() };
    } catch (error) {
      const { code, message } = describe(error);
      return refuse(code, message);
    }
  }

  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack> {
    try {
      const topic = parseTopic(body);
      if (!topic) return refuse('INVALID_TOPIC', TOPIC_HELP);
      // The key's current state, not the one at connect time: revocations and new grants apply at once.
      const principal = await this.authenticator.principalFor((socket.data as SocketData).principal.kid);
      (socket.data as SocketData).principal = principal;
      if (topic.kind === 'audit') {
        if (principal.role !== 'auditor' && principal.role !== 'admin') return refuse('FORBIDDEN', `the ${principal.role} role may not follow the audit trail`);
      } else if (topic.kind === 'strategy') {
        const accounts = await strategyAccounts(this.reads, this.events, topic.strategyId);
        if (!mayReadStrategy(principal, accounts)) return refuse('STRATEGY_NOT_FOUND', `strategy ${topic.strategyId} does not exist`);
        const data = socket.data as SocketData;
        (data.strategies ??= new Map()).set(topic.room, accounts);
      } else {
        this.access.account(principal, topic.accountId, 'read');
      }
      if (!socket.rooms.has(topic.room) && socket.rooms.size > MAX_SUBSCRIPTIONS) return refuse('TOO_MANY_SUBSCRIPTIONS', `at most ${MAX_SUBSCRIPTIONS} topics per connection`);
      const { seq, position } = await this.feed.join(socket, topic);
      return { ok: true, topic: topic.room, seq, position };
    } catch (error) {
      const { code, message } = describe(error);
      if (code === 'KEY_REVOKED' || code === 'INVALID_TOKEN') socket.disconnect(true);
      return refuse(code, message);
    }
  }

  /** The full current documents of a room the socket has joined (after a gap in seq, or to get a base). */
  @SubscribeMessage('snapshot')
  async snapshot(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<({ ok: true } & Snapshot) | Ack> {
    const topic: Topic | null = parseTopic(body);
    if (!topic) return refuse('INVALID_TOPIC', TOPIC_HELP);
    if (!socket.rooms.has(topic.room)) return refuse('NOT_SUBSCRIBED', `subscribe to ${topic.room} first`);
    try {
      return { ok: true, ...(await this.feed.snapshot(topic)) };
    } catch (error) {
      const { code, message } = describe(error);
      return refuse(code, message);
    }
  }

  @SubscribeMessage('unsubscribe')
  async unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack> {
    const topic = parseTopic(body);
    if (!topic) return refuse('INVALID_TOPIC', TOPIC_HELP);
    await socket.leave(topic.room);
    return { ok: true, topic: topic.room };
  }

  private armExpiry(socket: Socket, expiresAtMs: number | undefined): void {
    const data = socket.data as SocketData;
    clearTimeout(data.expiryTimer);
    data.expiryTimer = undefined;
    if (expiresAtMs === undefined) return;
    data.expiryTimer = setTimeout(
      () => {
        socket.emit(SESSION_EXPIRED_EVENT, { code: 'TOKEN_EXPIRED', message: 'the access token has expired; connect again with a new one from POST /auth/token' });
        socket.disconnect(true);
      },
      Math.max(0, expiresAtMs - systemWallClock.nowMs()),
    );
    data.expiryTimer.unref();
  }

  private async recheck(): Promise<void> {
    const server = this.server;
    if (!server) return;
    for (const socket of server.of('/').sockets.values()) {
      const data = socket.data as SocketData;
      try {
        const principal = await this.authenticator.principalFor(data.principal.kid);
        data.principal = principal;
        for (const room of socket.rooms) {
          if (room.startsWith(ACCOUNT_ROOM_PREFIX) && !canRead(principal, room.slice(ACCOUNT_ROOM_PREFIX.length))) await socket.leave(room);
          if (room === AUDIT_ROOM && principal.role !== 'auditor' && principal.role !== 'admin') await socket.leave(room);
          const strategyAccounts = room.startsWith(STRATEGY_ROOM_PREFIX) ? data.strategies?.get(room) : undefined;
          if (strategyAccounts && !mayReadStrategy(principal, strategyAccounts)) await socket.leave(room);
        }
      } catch (error) {
        const { code } = describe(error);
        if (code === 'KEY_REVOKED' || code === 'INVALID_TOKEN') socket.disconnect(true);
        else this.logger.warn({ code }, 'could not re-check a live connection; keeping it until the next check');
      }
    }
  }
}

/** A handshake or reauth credential, with or without its "Bearer " prefix. */
function credentialOf(raw: unknown): string | undefined {
  return typeof raw === 'string' ? raw.replace(/^Bearer\s+/i, '') : undefined;
}

function canRead(principal: Principal, accountId: string): boolean {
  return principal.role === 'admin' || principal.role === 'auditor' || principal.accountIds.has(accountId);
}

function refuse(code: string, message: string): Ack {
  return { ok: false, code, message };
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && /UNAVAILABLE/.test(code)) return { code, message: 'storage is unavailable; retry later' };
  return { code: 'INTERNAL_ERROR', message: 'an unexpected error occurred' };
}
