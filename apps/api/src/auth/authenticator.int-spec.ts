import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { loadConfig } from '@robo/runtime';
import { Authenticator, TOKEN_AUDIENCE, TOKEN_ISSUER } from './authenticator.service';
import { SqliteCredentialStore } from '@robo/credentials';
import { newKey } from '@robo/credentials/testing';

describe('Authenticator: access tokens checked once', () => {
  let dir: string;
  let store: SqliteCredentialStore;
  let jwt: JwtService;
  let auth: Authenticator;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authenticator-'));
    store = SqliteCredentialStore.open({ file: path.join(dir, 'auth.db') });
    await store.create(newKey('t1', { accountIds: ['acc-1'] }));
    jwt = new JwtService({ secret: 'a test secret of enough length for HS256' });
    auth = new Authenticator(store, jwt, loadConfig({ DATA_DIR: dir }));
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const sign = (expiresIn: number) => jwt.sign({ sub: 't1', role: 'trader', typ: 'access' }, { expiresIn, issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE });
  const bearer = (token: string) => auth.authenticate(`Bearer ${token}`, { bearerScheme: true });
  const refusal = (token: string) => bearer(token).then(() => 'accepted', (error: { code?: string }) => error.code);

  it('verifies a token\'s signature once, and answers the same principal every time', async () => {
    const token = sign(600);
    const verify = jest.spyOn(jwt, 'verifyAsync');
    const first = await bearer(token);
    const second = await bearer(token);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(second).toEqual(first);
    expect(first).toMatchObject({ kid: 't1', role: 'trader', accountIds: new Set(['acc-1']) });
  });

  it('still refuses a token once it expires, a revoked key\'s token, and any other string', async () => {
    const token = sign(5);
    expect(await refusal(token)).toBe('accepted');
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await refusal(tampered)).toBe('INVALID_TOKEN');

    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 10_000); // jsonwebtoken reads the same clock
    expect(await refusal(token)).toBe('TOKEN_EXPIRED');
    jest.restoreAllMocks();

    const other = sign(600);
    expect(await refusal(other)).toBe('accepted');
    await store.revoke('t1', '2026-11-22T00:00:00.000Z');
    expect(await refusal(other)).toBe('KEY_REVOKED');
  });
});
