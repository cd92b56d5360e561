import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '@robo/event-store';
import { ALL_PROJECTIONS, ProjectionRunner, SqliteReadModelStore } from '@robo/read-models';
import { appendScenario, tradingScenario } from '@robo/read-models/testing/trading-scenario';
import { startTestApp, tokenFor } from '../../api/test/test-app';
import { runCli } from './cli';

/** Runs one command line in process against a data directory; returns its exit code and what it printed. */
async function robo(dataDir: string, args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), env: { DATA_DIR: dataDir, ...env } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('robo keys (CLI on the stores of DATA_DIR)', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-cli-'));
  });

  it('creates a key whose secret is shown once and stored only as a salted scrypt hash, and records who made it', async () => {
    const created = await robo(dataDir, ['keys', 'create', '--role', 'admin', '--name', 'ops desk', '--json']);
    expect(created.code).toBe(0);
    const key = JSON.parse(created.out);
    expect(key).toMatchObject({ role: 'admin', name: 'ops desk', accountIds: [], revokedAt: null, createdBy: expect.stringMatching(/^cli:/) });
    expect(key.apiKey).toMatch(new RegExp(`^rtk_${key.kid}_[A-Za-z0-9_-]{43}$`));

    const listed = await robo(dataDir, ['keys', 'list', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.out)).toEqual([expect.objectContaining({ kid: key.kid, role: 'admin' })]);
    expect(listed.out).not.toContain(key.apiKey.slice(21));
    expect(listed.out).not.toContain('scrypt');

    const db = new Database(path.join(dataDir, 'auth.db'), { readonly: true });
    const stored = db.prepare('SELECT secret_hash FROM api_keys WHERE kid = ?').pluck().get(key.kid) as string;
    db.close();
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(stored).not.toContain(key.apiKey.slice(21));

    const events = SqliteEventStore.open({ file: path.join(dataDir, 'events.db') });
    const [event] = await events.readStream(`credential-${key.kid}`);
    await events.close();
    expect(event).toMatchObject({ type: 'ApiKeyCreated', data: { kid: key.kid, role: 'admin', name: 'ops desk', accountIds: [] }, metadata: { actor: key.createdBy } });
    expect(JSON.stringify(event.data)).not.toContain(key.apiKey.slice(21));

    const text = await robo(dataDir, ['keys', 'create', '--role', 'auditor', '--name', 'audit']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/API key \(shown once.*\n\s+rtk_/);
    expect(text.out).toContain('curl -s -X POST http://localhost:3000/auth/token');
    expect((await robo(dataDir, ['keys', 'list'])).out).toMatch(/^KID\s+ROLE\s+NAME/);
  });

  it('creates a broker key (the execution feed), which holds no grants', async () => {
    const broker = await robo(dataDir, ['keys', 'create', '--role', 'broker', '--name', 'execution feed', '--json']);
    expect(broker.code).toBe(0);
    expect(JSON.parse(broker.out)).toMatchObject({ role: 'broker', name: 'execution feed', accountIds: [], apiKey: expect.stringMatching(/^rtk_/) });
    const granted = await robo(dataDir, ['keys', 'create', '--role', 'broker', '--name', 'x', '--accounts', '00000000-0000-4000-8000-000000000000']);
    expect([granted.code, granted.err]).toEqual([65, expect.stringContaining('GRANT_NOT_APPLICABLE')]);
  });

  it('answers usage, data, refusal and configuration mistakes with distinct exit codes', async () => {
    expect((await robo(dataDir, ['--help'])).code).toBe(0);
    expect((await robo(dataDir, ['keys', 'create', '--help'])).code).toBe(0);
    expect((await robo(dataDir, [])).code).toBe(64);
    expect((await robo(dataDir, ['keys', 'create', '--name', 'x'])).code).toBe(64); // --role missing
    expect((await robo(dataDir, ['keys', 'create', '--role', 'root', '--name', 'x'])).code).toBe(64);
    expect((await robo(dataDir, ['keys', 'create', '--role', 'trader', '--name', ''])).code).toBe(64);
    expect((await robo(dataDir, ['keys', 'frobnicate'])).code).toBe(64);
    const notUuid = await robo(dataDir, ['keys', 'create', '--role', 'trader', '--name', 'x', '--accounts', 'abc']);
    expect([notUuid.code, notUuid.err]).toEqual([65, expect.stringContaining('INVALID_ACCOUNT_ID')]);
    const unknown = await robo(dataDir, ['keys', 'create', '--role', 'trader', '--name', 'x', '--accounts', '00000000-0000-4000-8000-000000000000']);
    expect([unknown.code, unknown.err]).toEqual([1, expect.stringContaining('ACCOUNT_NOT_FOUND')]);
    const grantToAuditor = await robo(dataDir, ['keys', 'create', '--role', 'auditor', '--name', 'x', '--accounts', '00000000-0000-4000-8000-000000000000']);
    expect([grantToAuditor.code, grantToAuditor.err]).toEqual([65, expect.stringContaining('GRANT_NOT_APPLICABLE')]);
    expect((await robo(dataDir, ['keys', 'revoke', 'nosuchkey0000000'])).code).toBe(1);
    const config = await robo(dataDir, ['keys', 'list'], { AUTH_JWT_SECRET: 'short' });
    expect([config.code, config.err]).toEqual([78, expect.stringContaining('AUTH_JWT_SECRET')]);

    const admin = JSON.parse((await robo(dataDir, ['keys', 'create', '--role', 'admin', '--name', 'only', '--json'])).out);
    const last = await robo(dataDir, ['keys', 'revoke', admin.kid]);
    expect([last.code, last.err]).toEqual([1, expect.stringContaining('LAST_ADMIN_KEY')]);
  });

  it('works on the stores of a running api: its keys authenticate, its grants and revocations apply at once', async () => {
    const admin = JSON.parse((await robo(dataDir, ['keys', 'create', '--role', 'admin', '--name', 'ops', '--json'])).out);
    const t = await startTestApp({ DATA_DIR: dataDir });
    try {
      const adminToken = await tokenFor(t.server, admin.apiKey);
      const accountId = (await t.as(adminToken).post('/api/accounts').send({ name: 'cli', initialCashPaise: 0 })).body.accountId;
      const trader = JSON.parse((await robo(dataDir, ['keys', 'create', '--role', 'trader', '--name', 'desk', '--json'])).out);
      const traderToken = await tokenFor(t.server, trader.apiKey);
      expect((await t.as(traderToken).get(`/api/accounts/${accountId}`)).status).toBe(404);

      expect((await robo(dataDir, ['keys', 'grant', trader.kid, accountId])).code).toBe(0);
      expect((await t.as(traderToken).get(`/api/accounts/${accountId}`)).status).toBe(200);

      expect((await robo(dataDir, ['keys', 'revoke', trader.kid])).code).toBe(0);
      const refused = await t.as(traderToken).get(`/api/accounts/${accountId}`);
      expect([refused.status, refused.body.code]).toEqual([401, 'KEY_REVOKED']);
      // The audit trail says which operator did it.
      const trail = await t.as(adminToken).get(`/api/streams/credential-${trader.kid}/events`);
      expect(trail.body.events.map((e: { type: string; metadata: { actor: string } }) => [e.type, e.metadata.actor.startsWith('cli:')])).toEqual([
        ['ApiKeyCreated', true],
        ['AccountAccessGranted', true],
        ['ApiKeyRevoked', true],
      ]);
      expect((await request(t.server).get('/health/ready')).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('runs as the built `robo` binary', () => {
    const main = path.resolve(__dirname, '../../../dist/apps/cli/src/main.js');
    if (!fs.existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first (npm test does)`);
    const env = { ...process.env, DATA_DIR: dataDir };
    const created = spawnSync(process.execPath, [main, 'keys', 'create', '--role', 'viewer', '--name', 'bin', '--json'], { env, encoding: 'utf8' });
    expect(created.status).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ role: 'viewer', name: 'bin' });
    const usage = spawnSync(process.execPath, [main, 'keys', 'create'], { env, encoding: 'utf8' });
    expect(usage.status).toBe(64);
    expect(usage.stderr).toContain("required option '--role <role>' not specified");
  });
});

describe('robo on a data directory from before audit.db', () => {
  it('moves the audit trail out of read-models.db, saying so on stderr, and keeps stdout for the output', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-cli-old-'));
    const events = SqliteEventStore.open({ file: path.join(dataDir, 'events.db') });
    const old = SqliteReadModelStore.open({ file: path.join(dataDir, 'read-models.db') });
    try {
      await appendScenario(events, tradingScenario(), randomUUID);
      await old.ensureCollections(ALL_PROJECTIONS.flatMap((p) => p.collections));
      await new ProjectionRunner({ eventStore: events, readStore: old, projections: ALL_PROJECTIONS }).rebuildMany();
    } finally {
      await old.close();
      await events.close();
    }
    const status = await robo(dataDir, ['projections', 'status', '--json']);
    expect(status.code).toBe(0);
    expect(status.err).toBe('robo: moving projection audit out of read-models.db into its own file: it is projected again from the log');
    const byName = Object.fromEntries((JSON.parse(status.out) as { name: string; checkpoint: number }[]).map((p) => [p.name, p.checkpoint]));
    expect(byName).toMatchObject({ audit: 0, orders: tradingScenario().length });
    // Said once: the next command finds nothing to move.
    expect((await robo(dataDir, ['projections', 'status', '--json'])).err).toBe('');
  });
});
