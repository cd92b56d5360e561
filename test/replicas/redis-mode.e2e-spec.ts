import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'socket.io';
import type { Socket } from 'socket.io-client';
import request from 'supertest';
import { loadConfig } from '@robo/runtime';
import { connect } from '../../apps/api/test/auth-fixtures';
import { freePort } from '../../apps/api/test/child-app';
import { startTestRedis, type TestRedis } from '../../apps/api/test/redis-server';
import { MARKET_OPEN_INSTANT, seedKey } from '../../apps/api/test/test-app';
import { createApp } from '../../apps/api/src/bootstrap';
import { LiveGateway } from '../../apps/api/src/live/live.gateway';

/** An api in this process with REDIS_URL set, listening on 127.0.0.1, over `dataDir`. */
async function startApp(dataDir: string, redisUrl: string): Promise<{ app: INestApplication; base: string }> {
  const config = loadConfig({ DATA_DIR: dataDir, CLOCK_START: MARKET_OPEN_INSTANT, LOG_LEVEL: 'silent', PORT: '0', REDIS_URL: redisUrl });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, base: `http://127.0.0.1:${port}` };
}

/** The socket.io server of an app (the gateway's; nothing else holds it). */
function ioOf(app: INestApplication): Server {
  return (app.get(LiveGateway) as unknown as { server: Server }).server;
}

describe('REDIS_URL with Redis unreachable', () => {
  let dataDir: string;
  let app: INestApplication | null = null;
  afterAll(async () => {
    await app?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts, stays alive, and answers requests 503 RATE_LIMIT_UNAVAILABLE with Retry-After instead of a 500 or no limit', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-redis-down-'));
    const admin = await seedKey(dataDir, 'admin', 'admin');
    // A port where nothing listens.
    const started = await startApp(dataDir, `redis://127.0.0.1:${await freePort()}`);
    app = started.app;
    const live = await request(started.base).get('/health/live');
    expect(live.status).toBe(200);
    // Not ready: every request needs the rate-limit counts.
    const ready = await request(started.base).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'not_ready', checks: { eventStore: 'ok', readStore: 'ok', credentialStore: 'ok', rateLimit: 'unavailable' } });
    const res = await request(started.base).get('/api/accounts').set('authorization', `Bearer ${admin.apiKey}`);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'RATE_LIMIT_UNAVAILABLE' });
    expect(res.headers['retry-after']).toBe('1');
    // Public routes are counted by address, through the same store.
    const token = await request(started.base).post('/auth/token').send({ apiKey: admin.apiKey });
    expect(token.status).toBe(503);
    expect(token.body).toMatchObject({ code: 'RATE_LIMIT_UNAVAILABLE' });
  }, 30_000);
});

const serverAvailable = Boolean(process.env.REDIS_URL) || (process.env.PATH ?? '').split(':').some((dir) => fs.existsSync(path.join(dir, 'redis-server')));

(serverAvailable ? describe : describe.skip)('socket.io across two api processes through the Redis adapter', () => {
  let redis: TestRedis | null = null;
  const apps: INestApplication[] = [];
  const sockets: Socket[] = [];
  let dataDir: string;

  beforeAll(async () => {
    redis = await startTestRedis('redis-mode e2e');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-redis-io-'));
  }, 20_000);
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const app of apps) await app.close();
    await redis?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lets one replica see and reach the sockets connected to another', async () => {
    const admin = await seedKey(dataDir, 'admin', 'admin');
    const a = await startApp(dataDir, redis!.url);
    apps.push(a.app);
    const b = await startApp(dataDir, redis!.url);
    apps.push(b.app);
    expect((await request(b.base).get('/health/ready')).body).toEqual({ status: 'ready', checks: { eventStore: 'ok', readStore: 'ok', credentialStore: 'ok', rateLimit: 'ok' } });
    const onB = await connect(b.base, admin.apiKey);
    sockets.push(onB);

    // A's view of the cluster's sockets includes B's (answered by B over Redis).
    const seen = await ioOf(a.app).fetchSockets();
    expect(seen.map((s) => s.id)).toContain(onB.id);
    // A broadcast made on A reaches the client connected to B.
    const received = new Promise<unknown>((resolve) => onB.once('cluster.probe', resolve));
    ioOf(a.app).emit('cluster.probe', { from: 'a' });
    expect(await received).toEqual({ from: 'a' });
    // The live feed of each replica stays with its own sockets: nothing of A's is local to B.
    expect([...ioOf(a.app).of('/').sockets.keys()]).not.toContain(onB.id);
  }, 30_000);
});
