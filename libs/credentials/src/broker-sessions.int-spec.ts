import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kiteSessionExpiry } from '@robo/domain';
import { BROKER_TOKEN_KEY_FILE, BrokerTokenCipher } from './broker-token-cipher';
import { BrokerSessions } from './broker-sessions';
import { BROKER_SESSIONS_FILE, SqliteBrokerSessionStore } from './sqlite-broker-session-store';

/** Every byte of the store's files (the database and its WAL), as text. */
const filesOf = (dir: string): string =>
  fs
    .readdirSync(dir)
    .filter((name) => name.startsWith(BROKER_SESSIONS_FILE))
    .map((name) => fs.readFileSync(path.join(dir, name)).toString('latin1'))
    .join('');

describe('broker sessions stored encrypted (SQLite, AES-256-GCM)', () => {
  let dir: string;
  let now: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-sessions-'));
    now = '2026-12-07T09:10:00+05:30';
  });

  it('keeps the token only sealed in the file, opens it for the adapter, and shows a view without it', async () => {
    const token = `tok${randomBytes(16).toString('hex')}`;
    const sessions = BrokerSessions.open({ dataDir: dir, brokerTokenKey: null }, () => now);
    const view = await sessions.login('kite', async () => ({ accessToken: token, userId: 'AB1234' }), kiteSessionExpiry);
    expect(view).toEqual({ broker: 'kite', state: 'connected', userId: 'AB1234', loggedInAt: now, expiresAt: '2026-12-08T00:30:00.000Z' });
    expect(JSON.stringify(view)).not.toContain(token);
    expect(await sessions.accessToken('kite')).toBe(token);
    await sessions.close();
    const stored = filesOf(dir);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored).not.toContain(token);
    expect(stored).toContain('v1:');
    // The key made on first use is the owner's only, like the file.
    expect(fs.statSync(path.join(dir, BROKER_TOKEN_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dir, BROKER_SESSIONS_FILE)).mode & 0o777).toBe(0o600);
    // Another start reads the same key file and opens the same token.
    const again = BrokerSessions.open({ dataDir: dir, brokerTokenKey: null }, () => now);
    expect(await again.accessToken('kite')).toBe(token);
    await again.close();
  });

  it('gives no token once the session expired (06:00 IST) or under another key, and none for a refused login', async () => {
    const sessions = BrokerSessions.open({ dataDir: dir, brokerTokenKey: null }, () => now);
    await expect(sessions.login('kite', async () => Promise.reject(new Error('TokenException: Invalid `checksum`.')), kiteSessionExpiry)).rejects.toThrow('checksum');
    expect(await sessions.view('kite')).toMatchObject({ broker: 'kite', state: 'absent' });
    await sessions.login('kite', async () => ({ accessToken: 'day-token', userId: null }), kiteSessionExpiry);
    now = '2026-12-08T06:00:00+05:30';
    expect(await sessions.accessToken('kite')).toBeNull();
    expect((await sessions.view('kite')).state).toBe('expired');
    await sessions.close();

    now = '2026-12-07T10:00:00+05:30';
    const store = SqliteBrokerSessionStore.open({ file: path.join(dir, BROKER_SESSIONS_FILE) });
    const otherKey = new BrokerSessions(store, new BrokerTokenCipher(randomBytes(32)), () => now);
    expect(await otherKey.accessToken('kite')).toBeNull();
    await otherKey.close();
  });

  it('refuses a sealed token changed by one byte, or opened as another broker', () => {
    const cipher = new BrokerTokenCipher(randomBytes(32));
    const sealed = cipher.seal('the-token', 'kite');
    expect(cipher.open(sealed, 'kite')).toBe('the-token');
    expect(cipher.open(sealed, 'upstox')).toBeNull();
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1] ^= 1;
    expect(cipher.open(`v1:${raw.toString('base64')}`, 'kite')).toBeNull();
  });
});
