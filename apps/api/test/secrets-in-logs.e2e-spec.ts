import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { io } from 'socket.io-client';
import { api, bearer, ChildApp, createKey, freePort } from './child-app';

const occurrences = (haystack: string, needle: string) => haystack.split(needle).length - 1;

/**
 * Everything the api writes (stdout and stderr, debug level) while keys and tokens are made and used, over two
 * starts: the first admin key appears once, in the first-start banner, and no secret appears anywhere else.
 */
describe('secrets never reach the logs (child process, LOG_LEVEL=debug)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-secrets-'));
  let app: ChildApp;
  afterAll(async () => app?.kill());

  it('prints the first admin key once and never logs a key, a token or the signing secret', async () => {
    app = new ChildApp(dataDir, await freePort(), { LOG_LEVEL: 'debug' });
    await app.start();
    const adminKey = app.bootstrapKey();
    const admin = await bearer(app.url, adminKey);
    const trader = await createKey(app.url, admin, 'trader');
    const traderAuth = await bearer(app.url, trader.apiKey);
    const secrets = [adminKey, trader.apiKey, admin.authorization.slice(7), traderAuth.authorization.slice(7)];

    // Authentication flows, good and bad, in headers, bodies, URLs and a socket handshake.
    const account = await api(app.url, 'POST', '/api/accounts', { name: 'logged', initialCashPaise: 1_000 }, traderAuth);
    expect(account.status).toBe(201);
    expect((await api(app.url, 'GET', '/auth/me', undefined, { authorization: `Bearer ${trader.apiKey}` })).status).toBe(200);
    const wrongSecret = `${trader.apiKey.slice(0, -4)}AAAA`;
    secrets.push(wrongSecret);
    expect((await api(app.url, 'GET', '/auth/me', undefined, { authorization: `Bearer ${wrongSecret}` })).status).toBe(401);
    expect((await api(app.url, 'POST', '/auth/token', { apiKey: wrongSecret })).status).toBe(401);
    expect((await api(app.url, 'GET', `/api/projections?token=${traderAuth.authorization.slice(7)}&apiKey=${trader.apiKey}`, undefined, admin)).status).toBe(200);
    expect((await api(app.url, 'GET', `/api/streams/${trader.apiKey}/events`, undefined, admin)).status).toBe(200);
    expect((await api(app.url, 'POST', '/api/admin/keys', { name: 'x', role: 'root', apiKey: trader.apiKey }, admin)).status).toBe(400);
    await new Promise<void>((resolve, reject) => {
      const socket = io(app.url, { auth: { token: traderAuth.authorization.slice(7) }, transports: ['websocket'], reconnection: false, forceNew: true });
      socket.once('connect', () => {
        socket.close();
        resolve();
      });
      socket.once('connect_error', reject);
    });

    // A second start on the same data: no new admin key, nothing printed again.
    await app.stop();
    await app.start();
    expect((await api(app.url, 'GET', '/auth/me', undefined, admin)).status).toBe(200);
    await app.stop();

    const signingSecret = fs.readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8').trim();
    expect(fs.statSync(path.join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    const output = app.output;
    // The logs were written (request lines with their headers), with the credentials blanked out.
    expect(output).toContain('"authorization":"[redacted]"');
    expect(output).toContain('rtk_[redacted]');
    expect(occurrences(output, 'First start: created the admin API key')).toBe(1);
    expect(occurrences(output, adminKey)).toBe(2); // the banner shows it twice: on its own line and in the curl line
    const logLines = output.split('\n').filter((line) => line.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(10);
    for (const secret of [...secrets, signingSecret]) {
      expect(logLines.filter((line) => line.includes(secret))).toEqual([]);
    }
    for (const secret of [trader.apiKey, wrongSecret, signingSecret, ...secrets.slice(2)]) expect(occurrences(output, secret)).toBe(0);
    // The secret part of a key, alone, appears nowhere either.
    expect(occurrences(output, trader.apiKey.slice(21))).toBe(0);
  }, 120_000);
});
