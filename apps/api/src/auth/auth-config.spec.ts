import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, loadConfig, scrubDeep, scrubSecrets } from '@robo/runtime';
import { JWT_SECRET_FILE, resolveJwtSecret } from './jwt-secret';

const base = { DATA_DIR: '/tmp/robo-config-spec' };

function errorOf(env: Record<string, string>): ConfigError | null {
  try {
    loadConfig({ ...base, ...env });
    return null;
  } catch (error) {
    return error as ConfigError;
  }
}

describe('auth, rate limit, CORS and shutdown settings', () => {
  it('has safe defaults', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({ authJwtSecret: null, authTokenTtlSeconds: 900, authBootstrapAdmin: true, rateLimitPerMinute: 6000, corsOrigins: [], shutdownTimeoutMs: 10_000, bodyLimit: '64kb' });
  });

  it('reads valid values', () => {
    const config = loadConfig({
      ...base,
      AUTH_JWT_SECRET: 's'.repeat(40),
      AUTH_TOKEN_TTL_SECONDS: '3600',
      AUTH_BOOTSTRAP_ADMIN: 'false',
      RATE_LIMIT_PER_MINUTE: '100',
      CORS_ORIGINS: ' https://desk.example.com , http://localhost:5173 ',
      SHUTDOWN_TIMEOUT_MS: '0',
    });
    expect(config).toMatchObject({ authJwtSecret: 's'.repeat(40), authTokenTtlSeconds: 3600, authBootstrapAdmin: false, rateLimitPerMinute: 100, corsOrigins: ['https://desk.example.com', 'http://localhost:5173'], shutdownTimeoutMs: 0 });
  });

  it.each([
    [{ AUTH_JWT_SECRET: 'x'.repeat(31) }, 'AUTH_JWT_SECRET'],
    [{ EVENT_STORE: 'esdb', EVENTSTORE_URL: 'esdb://localhost:2113' }, 'AUTH_JWT_SECRET'],
    [{ AUTH_TOKEN_TTL_SECONDS: '59' }, 'AUTH_TOKEN_TTL_SECONDS'],
    [{ AUTH_TOKEN_TTL_SECONDS: '1h' }, 'AUTH_TOKEN_TTL_SECONDS'],
    [{ RATE_LIMIT_PER_MINUTE: '0' }, 'RATE_LIMIT_PER_MINUTE'],
    [{ CORS_ORIGINS: '*' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'desk.example.com' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://a.example,' }, 'CORS_ORIGINS'],
    [{ AUTH_BOOTSTRAP_ADMIN: 'sometimes' }, 'AUTH_BOOTSTRAP_ADMIN'],
    [{ SHUTDOWN_TIMEOUT_MS: '600001' }, 'SHUTDOWN_TIMEOUT_MS'],
  ])('refuses %j naming %s', (env, variable) => {
    const error = errorOf(env);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.variable).toBe(variable);
    expect(error?.message).toContain(`configuration: ${variable}`);
  });

  it('generates the signing secret once per data directory, readable by its owner only', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-jwt-'));
    const config = loadConfig({ DATA_DIR: dataDir });
    const first = resolveJwtSecret(config);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(resolveJwtSecret(config)).toBe(first);
    expect(fs.statSync(path.join(dataDir, JWT_SECRET_FILE)).mode & 0o777).toBe(0o600);
    expect(resolveJwtSecret(loadConfig({ DATA_DIR: dataDir, AUTH_JWT_SECRET: 'e'.repeat(32) }))).toBe('e'.repeat(32));
    fs.writeFileSync(path.join(dataDir, JWT_SECRET_FILE), 'short');
    expect(() => resolveJwtSecret(config)).toThrow(/AUTH_JWT_SECRET/);
  });
});

describe('secret scrubbing for logs', () => {
  it('blanks API keys, tokens and credential query parameters wherever they sit in text', () => {
    const key = `rtk_${'a'.repeat(16)}_${'b_-'.repeat(14)}c`;
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const scrubbed = scrubSecrets(`/api/x/${key}?token=${jwt}&access_token=abc&apiKey=zzz&limit=5 Bearer ${jwt}`);
    expect(scrubbed).not.toContain(key);
    expect(scrubbed).not.toContain('b_-b_-');
    expect(scrubbed).not.toContain(jwt);
    expect(scrubbed).not.toContain('abc');
    expect(scrubbed).not.toContain('zzz');
    expect(scrubbed).toContain('limit=5');
    expect(scrubDeep({ path: ['api', key], nested: { token: jwt }, n: 1 })).toEqual({ path: ['api', 'rtk_[redacted]'], nested: { token: '[redacted]' }, n: 1 });
  });
});
