import { JwtService } from '@nestjs/jwt';
import type { Socket } from 'socket.io-client';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../src/auth/authenticator.service';
import { SESSION_EXPIRED_EVENT } from '../src/live/live.gateway';
import { connect, openAccount, subscribe } from './auth-fixtures';
import { startTestApp, type TestApp, type TestKey } from './test-app';

/** What the socket saw: the session_expired payload (if any) and the disconnect reason (if any). */
function watch(socket: Socket): { expired: unknown[]; disconnected: Promise<string> } {
  const expired: unknown[] = [];
  socket.on(SESSION_EXPIRED_EVENT, (payload: unknown) => expired.push(payload));
  return { expired, disconnected: new Promise((resolve) => socket.once('disconnect', resolve)) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('live connections opened with an access token end when it expires', () => {
  let t: TestApp;
  let base: string;
  let trader: TestKey;
  let other: TestKey;
  let account: string;
  const sockets: Socket[] = [];

  /** An access token of the key exactly like POST /auth/token makes, but living `seconds` only. */
  const shortToken = (key: TestKey, seconds: number) =>
    t.app.get(JwtService).signAsync({ sub: key.kid, role: key.role, typ: 'access' }, { expiresIn: seconds, issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE });

  const open = async (token: string) => {
    const socket = await connect(base, token);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    t = await startTestApp();
    base = await t.listen();
    trader = await t.createKey('trader');
    other = await t.createKey('trader');
    account = await openAccount(t, trader, 'expiry');
  }, 30_000);
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await t.close();
  });

  it('says session_expired with TOKEN_EXPIRED, then the server disconnects; a connection by API key stays', async () => {
    const socket = await open(await shortToken(trader, 2));
    const byKey = await open(trader.apiKey);
    expect(await subscribe(socket, `account:${account}`)).toMatchObject({ ok: true });
    const seen = watch(socket);
    const keySeen = watch(byKey);

    expect(await seen.disconnected).toBe('io server disconnect');
    expect(seen.expired).toEqual([{ code: 'TOKEN_EXPIRED', message: expect.stringContaining('POST /auth/token') }]);
    expect(byKey.connected).toBe(true);
    expect(keySeen.expired).toEqual([]);
    // The same expired token cannot open a new connection either.
    await expect(connect(base, (socket.auth as { token: string }).token)).rejects.toMatchObject({ message: 'TOKEN_EXPIRED' });
  }, 15_000);

  it('reauth with a fresh token of the same key extends the connection, and it keeps its rooms', async () => {
    const socket = await open(await shortToken(trader, 2));
    expect(await subscribe(socket, `account:${account}`)).toMatchObject({ ok: true });
    const seen = watch(socket);

    const ack = await socket.timeout(5000).emitWithAck('reauth', { token: trader.token });
    expect(ack).toMatchObject({ ok: true, expiresAt: expect.stringMatching(/Z$/) });
    expect(Date.parse(ack.expiresAt) - Date.now()).toBeGreaterThan(60_000);

    await sleep(3500);
    expect(socket.connected).toBe(true);
    expect(seen.expired).toEqual([]);
    const deposit = await t.as(trader.token).post(`/api/accounts/${account}/deposits`).send({ amountPaise: 100 });
    expect(deposit.status).toBe(201);
    const update = await new Promise((resolve) => socket.once('update', resolve));
    expect(update).toMatchObject({ room: `account:${account}`, collection: 'accounts' });
  }, 20_000);

  it("refuses reauth with another key's token, a bad token or no token, and the old expiry still applies", async () => {
    const socket = await open(await shortToken(trader, 2));
    const seen = watch(socket);

    expect(await socket.timeout(5000).emitWithAck('reauth', { token: other.token })).toMatchObject({ ok: false, code: 'KEY_MISMATCH' });
    expect(await socket.timeout(5000).emitWithAck('reauth', { token: 'not-a-token' })).toMatchObject({ ok: false, code: 'INVALID_TOKEN' });
    expect(await socket.timeout(5000).emitWithAck('reauth', {})).toMatchObject({ ok: false, code: 'INVALID_TOKEN' });
    expect(await socket.timeout(5000).emitWithAck('reauth', 42)).toMatchObject({ ok: false, code: 'INVALID_TOKEN' });

    expect(await seen.disconnected).toBe('io server disconnect');
    expect(seen.expired).toHaveLength(1);
  }, 15_000);
});
