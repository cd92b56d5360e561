import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { EVENT_STORE, type EventStore, SqliteEventStore } from '@robo/event-store';
import { AppConfig, loadConfig, requestLogging } from '@robo/runtime';
import { CREDENTIALS_FILE, KeyManager, MongoCredentialStore, type Role, SqliteCredentialStore } from '@robo/credentials';
import { createApp } from '../src/bootstrap';

/** A Friday inside NSE market hours (IST); the simulated clock starts here whatever today is. */
export const MARKET_OPEN_INSTANT = '2026-11-20T10:00:00+05:30';
/** How far ahead of the test clock a fill may be dated in the e2e specs (see startTestApp). */
export const FIXTURE_FILL_CLOCK_SKEW_MS = '3600000';

export interface TestKey {
  kid: string;
  apiKey: string;
  /** An access token from POST /auth/token. */
  token: string;
  role: Role;
}

export interface TestApp {
  app: INestApplication;
  server: Parameters<typeof import('supertest')>[0];
  config: AppConfig;
  dataDir: string;
  /** The admin key the test app was seeded with (as the CLI would have made it). */
  admin: TestKey;
  /** A supertest agent that sends the admin's bearer token on every request. */
  api: ReturnType<typeof request.agent>;
  /** A supertest agent that sends this bearer credential on every request. */
  as(token: string): ReturnType<typeof request.agent>;
  /** A new key made through POST /api/admin/keys, with its access token. */
  createKey(role: Role, accountIds?: string[], name?: string): Promise<TestKey>;
  /** Starts listening on 127.0.0.1 (for socket.io and fetch-based tests); returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/**
 * Seeds an admin key straight into the stores (what `robo keys create --role admin` does), before the app starts:
 * into DATA_DIR/auth.db, or into MongoDB when the app's env says CREDENTIAL_STORE=mongo.
 */
export async function seedKey(dataDir: string, role: Role, name: string, accountIds: string[] = [], env: Record<string, string> = {}): Promise<{ kid: string; apiKey: string }> {
  const credentials =
    env.CREDENTIAL_STORE === 'mongo' && env.MONGO_URL
      ? MongoCredentialStore.connect({ url: env.MONGO_URL })
      : SqliteCredentialStore.open({ file: path.join(dataDir, CREDENTIALS_FILE) });
  const events = SqliteEventStore.open({ file: path.join(dataDir, 'events.db') });
  try {
    const { record, apiKey } = await new KeyManager(credentials, events).create({ name, role, accountIds }, { actor: 'system:test', correlationId: 'test-seed', causationId: null });
    return { kid: record.kid, apiKey };
  } finally {
    await events.close();
    await credentials.close();
  }
}

export async function tokenFor(server: TestApp['server'], apiKey: string): Promise<string> {
  const res = await request(server).post('/auth/token').send({ apiKey });
  if (res.status !== 200) throw new Error(`token exchange failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken as string;
}

/** `logLines`: the app's log lines go there (JSON) instead of nowhere. */
export async function startTestApp(env: Record<string, string> = {}, options: { logLines?: (line: string) => void } = {}): Promise<TestApp> {
  const dataDir = env.DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'robo-e2e-'));
  fs.mkdirSync(dataDir, { recursive: true });
  // The specs date fills at fixed instants after the clock's start (10:01, 10:05, ...) while the clock runs in real
  // time from 10:00: they are let in up to an hour ahead of it. The clock-skew check has its own spec.
  const config = loadConfig({ DATA_DIR: dataDir, CLOCK_START: MARKET_OPEN_INSTANT, LOG_LEVEL: 'silent', PORT: '0', FILL_CLOCK_SKEW_MS: FIXTURE_FILL_CLOCK_SKEW_MS, ...env });
  const seeded = fs.existsSync(path.join(dataDir, CREDENTIALS_FILE)) ? null : await seedKey(dataDir, 'admin', 'test admin', [], env);
  if (options.logLines) requestLogging(config, { write: options.logLines });
  const app = await createApp(config);
  await app.init();
  const server = app.getHttpServer();
  const as = (token: string) => request.agent(server).set('authorization', `Bearer ${token}`);
  const admin: TestKey = seeded
    ? { ...seeded, token: await tokenFor(server, seeded.apiKey), role: 'admin' }
    : { kid: '', apiKey: '', token: '', role: 'admin' };
  let base: string | null = null;
  return {
    app,
    server,
    config,
    dataDir,
    admin,
    api: as(admin.token),
    as,
    async createKey(role, accountIds = [], name = `${role}-${Math.random().toString(36).slice(2, 8)}`) {
      const res = await as(admin.token).post('/api/admin/keys').send({ name, role, accountIds });
      if (res.status !== 201) throw new Error(`key creation failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { kid: res.body.kid, apiKey: res.body.apiKey, token: await tokenFor(server, res.body.apiKey), role };
    },
    async listen() {
      if (base === null) {
        await app.listen(0, '127.0.0.1');
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      }
      return base;
    },
    async close() {
      await app.close();
    },
  };
}

/** An app listening on a port with one trader key and no practical rate limit: the setup of the concurrency specs. */
export async function startTraderApp(): Promise<{ t: TestApp; trader: TestKey; store: EventStore; base: string }> {
  const t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '1000000' });
  return { t, store: t.app.get<EventStore>(EVENT_STORE), base: await t.listen(), trader: await t.createKey('trader') };
}
