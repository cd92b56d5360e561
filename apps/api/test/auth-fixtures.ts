import { JwtService } from '@nestjs/jwt';
import { io, Socket } from 'socket.io-client';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../src/auth/authenticator.service';
import type { TestApp, TestKey } from './test-app';

export const LIMIT_ORDER = { instrument: 'ITC', side: 'BUY', quantity: 100, type: 'LIMIT', limitPricePaise: 45_000, product: 'CNC', validity: 'DAY' };

/** A token with a valid signature whose expiry has passed. */
export async function expiredToken(t: TestApp, key: TestKey): Promise<string> {
  return t.app.get(JwtService).signAsync(
    { sub: key.kid, role: key.role, typ: 'access', exp: Math.floor(Date.now() / 1000) - 60 },
    { issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE },
  );
}

/** Same claims, signature changed: what a forger without the secret can make. */
export function tamperedToken(token: string): string {
  const [header, payload, signature] = token.split('.');
  const flipped = signature[0] === 'A' ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
  return [header, payload, flipped].join('.');
}

/** Everyone a role matrix asks: the five roles, another trader, and callers without a usable credential. */
export interface Cast {
  admin: TestKey;
  /** The execution feed: reports fills and triggers on every account, reads nothing. */
  broker: TestKey;
  trader: TestKey;
  viewer: TestKey;
  auditor: TestKey;
  /** A trader with accounts of their own, none of them the trader's above. */
  stranger: TestKey;
  revoked: TestKey;
  accountA: string;
  accountB: string;
  orderA: string;
  orderB: string;
  expired: string;
  bad: string;
}

/** trader owns accountA (and orderA), viewer may read accountA, stranger owns accountB (and orderB). */
export async function makeCast(t: TestApp): Promise<Cast> {
  const trader = await t.createKey('trader');
  const stranger = await t.createKey('trader');
  const accountA = await openAccount(t, trader, 'A');
  const accountB = await openAccount(t, stranger, 'B');
  const viewer = await t.createKey('viewer', [accountA]);
  const auditor = await t.createKey('auditor');
  const broker = await brokerKey(t);
  const revoked = await t.createKey('trader');
  const revocation = await t.api.post(`/api/admin/keys/${revoked.kid}/revoke`).send({});
  if (revocation.status !== 200) throw new Error(`revoke failed: ${JSON.stringify(revocation.body)}`);
  const orderA = await placeOrder(t, trader, accountA);
  const orderB = await placeOrder(t, stranger, accountB);
  return { admin: t.admin, broker, trader, viewer, auditor, stranger, revoked, accountA, accountB, orderA, orderB, expired: await expiredToken(t, trader), bad: tamperedToken(trader.token) };
}

const brokers = new WeakMap<TestApp, Promise<TestKey>>();

/** One broker key per app: executions (fills, stop triggers) are reported with it, never by the trader. */
export function brokerKey(t: TestApp): Promise<TestKey> {
  let key = brokers.get(t);
  if (!key) {
    key = t.createKey('broker', [], 'execution feed');
    brokers.set(t, key);
  }
  return key;
}

/** An execution report as the broker sends it. */
export async function reportFill(t: TestApp, orderId: string, fill: Record<string, unknown>) {
  return t.as((await brokerKey(t)).token).post(`/api/orders/${orderId}/fills`).send(fill);
}

export async function openAccount(t: TestApp, key: TestKey, name: string): Promise<string> {
  const res = await t.as(key.token).post('/api/accounts').send({ name, initialCashPaise: 10_000_000_000 });
  if (res.status !== 201) throw new Error(`open failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accountId;
}

/** A strategy registered on an account: only that account's orders may carry its id. */
export async function registerStrategy(t: TestApp, key: TestKey, accountId: string, name = 'fixture', capitalAllocationPaise = 10_000_000): Promise<string> {
  const res = await t.as(key.token).post('/api/strategies').send({ kind: 'ma-crossover', name, parameters: { instrument: 'ITC', fastPeriod: 2, slowPeriod: 3 }, instruments: ['ITC'], capitalAllocationPaise, accountId });
  if (res.status !== 201) throw new Error(`strategy registration failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.strategyId;
}

export async function placeOrder(t: TestApp, key: TestKey, accountId: string, over: Record<string, unknown> = {}): Promise<string> {
  const res = await t.as(key.token).post('/api/orders').send({ accountId, ...LIMIT_ORDER, ...over });
  if (res.status !== 201) throw new Error(`order failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.orderId;
}

/** A socket.io client; resolves once connected, rejects with the server's connect_error. */
export function connect(base: string, token: string | undefined): Promise<Socket> {
  const socket = io(base, { auth: token === undefined ? {} : { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000 });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

export function subscribe(socket: Socket, topic: string): Promise<{ ok: boolean; topic?: string; code?: string }> {
  return socket.timeout(5000).emitWithAck('subscribe', { topic });
}
