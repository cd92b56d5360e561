import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BrokerSessions, BROKER_SESSIONS_FILE } from '@robo/credentials';
import { KiteServer } from '@robo/broker-kite/testing/kite-server';
import { runCli } from './cli';

/** `robo broker login kite` and `robo broker status` on DATA_DIR's session store, against the local Kite server. */
describe('robo broker (the daily Kite login from the command line)', () => {
  let server: KiteServer;
  let dataDir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await KiteServer.start({ apiKey: 'robokey', apiSecret: 'robosecret' });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-cli-broker-'));
    env = { DATA_DIR: dataDir, KITE_API_KEY: 'robokey', KITE_API_SECRET: 'robosecret', KITE_ROOT: server.root };
  });

  const robo = async (args: string[], extra: Record<string, string> = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), env: { ...env, ...extra } });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('logs in with the request token, stores the token sealed where the api reads it, and never prints either token', async () => {
    expect(JSON.parse((await robo(['broker', 'status', '--json'])).out)).toMatchObject({ broker: 'kite', state: 'absent' });
    const requestToken = server.issueRequestToken();
    const login = await robo(['broker', 'login', 'kite', '--request-token', requestToken, '--json']);
    expect(login.code).toBe(0);
    const accessToken = server.currentAccessToken as string;
    expect(JSON.parse(login.out)).toMatchObject({ broker: 'kite', state: 'connected', userId: 'AB1234' });
    for (const printed of [login.out, login.err]) {
      expect(printed).not.toContain(accessToken);
      expect(printed).not.toContain(requestToken);
    }
    // The api opens the same store and key: it gets the day's token.
    const sessions = BrokerSessions.open({ dataDir, brokerTokenKey: null }, () => new Date().toISOString());
    expect(await sessions.accessToken('kite')).toBe(accessToken);
    await sessions.close();
    const stored = fs.readdirSync(dataDir).filter((f) => f.startsWith(BROKER_SESSIONS_FILE)).map((f) => fs.readFileSync(path.join(dataDir, f)).toString('latin1')).join('');
    expect(stored).not.toContain(accessToken);
    const status = await robo(['broker', 'status']);
    expect(status.out).toMatch(/^kite: connected \(user AB1234\)/);
    expect(status.out).not.toContain(accessToken);
  });

  it('refuses a used request token (exit 1, BROKER_LOGIN_REFUSED), a bad one (64) and a missing secret (78), storing nothing', async () => {
    const used = server.issueRequestToken();
    expect((await robo(['broker', 'login', 'kite', '--request-token', used])).code).toBe(0);
    const before = server.currentAccessToken;
    const again = await robo(['broker', 'login', 'kite', '--request-token', used, '--json']);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.err)).toMatchObject({ code: 'BROKER_LOGIN_REFUSED' });
    expect(server.currentAccessToken).toBe(before);
    expect((await robo(['broker', 'login', 'kite', '--request-token', 'not a token'])).code).toBe(64);
    expect((await robo(['broker', 'login', 'upstox', '--request-token', 'abc'])).code).toBe(64);
    const noSecret = await robo(['broker', 'login', 'kite', '--request-token', server.issueRequestToken(), '--json'], { KITE_API_SECRET: '' });
    expect(noSecret.code).toBe(78);
    expect(JSON.parse(noSecret.err)).toMatchObject({ code: 'BROKER_SECRET_MISSING' });
  });
});
