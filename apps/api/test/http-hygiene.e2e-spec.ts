import request from 'supertest';
import { io } from 'socket.io-client';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { startTestApp, TestApp } from './test-app';

describe('rate limits, security headers, CORS and body limits', () => {
  describe('rate limit per credential (RATE_LIMIT_PER_MINUTE=5)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '5' });
    });
    afterAll(async () => t.close());

    it('answers 429 RATE_LIMITED after the limit, per key, and leaves other keys and health probes alone', async () => {
      const trader = await t.createKey('trader');
      const statuses: number[] = [];
      let limited: request.Response | null = null;
      for (let i = 0; i < 6; i++) {
        const res = await t.as(trader.token).get('/auth/me');
        statuses.push(res.status);
        if (res.status === 429) limited = res;
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      expect(limited?.body).toEqual(expect.objectContaining({ code: 'RATE_LIMITED', message: expect.any(String), correlationId: expect.any(String) }));
      expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
      // The same key used directly counts as the same credential.
      expect((await t.as(trader.apiKey).get('/auth/me')).status).toBe(429);
      // Another credential from the same address is not affected.
      const viewer = await t.createKey('viewer');
      expect((await t.as(viewer.token).get('/auth/me')).status).toBe(200);
      for (let i = 0; i < 20; i++) expect((await request(t.server).get('/health/ready')).status).toBe(200);
    });

    it('limits failed authentication by client address', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await t.as('not-a-token').get('/auth/me')).status);
      expect(statuses).toContain(401);
      expect(statuses[statuses.length - 1]).toBe(429);
      expect(statuses.indexOf(429)).toBeLessThanOrEqual(5);
    });
  });

  describe('defaults: no CORS, helmet headers, body limit', () => {
    let t: TestApp;
    let store: EventStore;
    beforeAll(async () => {
      t = await startTestApp({ BODY_LIMIT: '1kb' });
      store = t.app.get(EVENT_STORE);
    });
    afterAll(async () => t.close());

    it('sends the usual security headers and no x-powered-by', async () => {
      const res = await request(t.server).get('/health/live');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['strict-transport-security']).toContain('max-age=');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect((await request(t.server).get('/docs')).status).toBe(200); // the docs stay public and load under the CSP
    });

    it('allows no cross-origin caller when CORS_ORIGINS is empty', async () => {
      const preflight = await request(t.server).options('/api/accounts').set('origin', 'https://evil.example').set('access-control-request-method', 'POST');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      const simple = await t.api.get('/auth/me').set('origin', 'https://evil.example');
      expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('refuses a body above BODY_LIMIT with 413 and appends nothing', async () => {
      const before = await store.headPosition();
      const res = await t.api.post('/api/accounts').send({ name: 'big', initialCashPaise: 1, pad: 'x'.repeat(2048) });
      expect([res.status, res.body.code]).toEqual([413, 'BODY_TOO_LARGE']);
      expect(await store.headPosition()).toBe(before);
    });
  });

  describe('CORS_ORIGINS allow-list', () => {
    let t: TestApp;
    let base: string;
    beforeAll(async () => {
      t = await startTestApp({ CORS_ORIGINS: 'https://desk.example.com, http://localhost:5173' });
      base = await t.listen();
    });
    afterAll(async () => t.close());

    it('answers preflights for listed origins only', async () => {
      const allowed = await request(t.server)
        .options('/api/orders')
        .set('origin', 'https://desk.example.com')
        .set('access-control-request-method', 'POST')
        .set('access-control-request-headers', 'authorization,content-type,idempotency-key');
      expect(allowed.status).toBe(204);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://desk.example.com');
      expect(allowed.headers['access-control-allow-headers']).toContain('authorization');
      const refused = await request(t.server).options('/api/orders').set('origin', 'https://evil.example').set('access-control-request-method', 'POST');
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('refuses socket.io handshakes from origins not on the list', async () => {
      const attempt = (origin: string) =>
        new Promise<string>((resolve) => {
          const socket = io(base, { auth: { token: t.admin.token }, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { origin } });
          socket.once('connect', () => {
            socket.close();
            resolve('connected');
          });
          socket.once('connect_error', () => {
            socket.close();
            resolve('refused');
          });
        });
      expect(await attempt('http://localhost:5173')).toBe('connected');
      expect(await attempt('https://evil.example')).toBe('refused');
    });
  });
});
