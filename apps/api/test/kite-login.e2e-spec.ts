import * as fs from 'node:fs';
import * as path from 'node:path';
import { EVENT_STORE, type EventStore } from '@robo/event-store';
import { kiteSessionExpiry } from '@robo/domain';
import { BROKER_SESSIONS_FILE } from '@robo/credentials';
import { KiteServer } from '@robo/broker-kite/testing/kite-server';
import { startTestApp, TestApp } from './test-app';

/** Every byte of the session store's files (the database and its WAL), as text. */
const sessionFiles = (dataDir: string): string =>
  fs
    .readdirSync(dataDir)
    .filter((name) => name.startsWith(BROKER_SESSIONS_FILE))
    .map((name) => fs.readFileSync(path.join(dataDir, name)).toString('latin1'))
    .join('');

/** Kite's daily login through the api, against the local Kite server (which checks the login's checksum). */
describe('the Kite daily login (POST /api/brokers/kite/session)', () => {
  let server: KiteServer;
  let t: TestApp;
  let store: EventStore;
  const logs: string[] = [];

  beforeAll(async () => {
    server = await KiteServer.start({ apiKey: 'robokey', apiSecret: 'robosecret', accessToken: 'yesterdaytoken' });
    t = await startTestApp(
      { KITE_API_KEY: 'robokey', KITE_API_SECRET: 'robosecret', KITE_ACCESS_TOKEN: 'yesterdaytoken', KITE_ROOT: server.root, KITE_TICKER_ROOT: server.tickerRoot, LOG_LEVEL: 'debug' },
      { logLines: (line) => logs.push(line) },
    );
    store = t.app.get<EventStore>(EVENT_STORE);
  });
  afterAll(async () => {
    await t.close();
    await server.close();
  });

  const until = async (orderId: string, test: (types: string[]) => boolean): Promise<{ type: string; data: Record<string, unknown> }[]> => {
    for (;;) {
      const head = await store.headPosition();
      const events = (await t.api.get(`/api/streams/order-${orderId}/events`).expect(200)).body.events as { type: string; data: Record<string, unknown> }[];
      if (test(events.map((e) => e.type))) return events;
      await store.waitForEventsAfter(head, { timeoutMs: 60_000 });
    }
  };

  it('turns the request token into the day access token, stored encrypted, never logged, and routes the next order with it', async () => {
    expect((await t.api.get('/api/brokers/kite/session').expect(200)).body).toEqual({ broker: 'kite', state: 'absent', userId: null, loggedInAt: null, expiresAt: null, tokenSource: 'environment' });
    // Yesterday's token stops working at 06:00 IST.
    server.expireToken();
    const requestToken = server.issueRequestToken();
    const res = await t.api.post('/api/brokers/kite/session').send({ requestToken }).expect(200);
    const accessToken = server.currentAccessToken as string;
    expect(accessToken).toMatch(/^[0-9a-f]{32}$/);
    expect(res.body).toMatchObject({ broker: 'kite', state: 'connected', userId: 'AB1234', tokenSource: 'login' });
    expect(res.body.expiresAt).toBe(kiteSessionExpiry(res.body.loggedInAt));
    expect(JSON.stringify(res.body)).not.toContain(accessToken);
    expect((await t.api.get('/api/brokers/kite/session').expect(200)).body).toEqual(res.body);

    // The next order of a kite account reaches Kite with the new token (the old one is refused there).
    const { accountId } = (await t.api.post('/api/accounts').send({ name: 'After login', initialCashPaise: 100_000_000 }).expect(201)).body;
    await t.api.post(`/api/accounts/${accountId}/broker`).send({ broker: 'kite' }).expect(200);
    const { orderId } = (
      await t.api.post('/api/orders').send({ accountId, instrument: 'INFY', side: 'BUY', quantity: 1, type: 'LIMIT', limitPricePaise: 150_000, product: 'MIS', validity: 'DAY' }).expect(201)
    ).body;
    const events = await until(orderId, (types) => types.includes('OrderRouted') || types.includes('OrderExpired'));
    expect(events.map((e) => e.type)).toContain('OrderRouted');

    // At rest only sealed; in the logs not at all (the request lines of the login were written).
    const stored = sessionFiles(t.dataDir);
    expect(stored).toContain('v1:');
    expect(stored).not.toContain(accessToken);
    const output = logs.join('');
    expect(output).toContain('/api/brokers/kite/session');
    expect(output).not.toContain(requestToken);
    expect(output).not.toContain(accessToken);
  });

  it('answers a refused login (a used or unknown request token) with 422 and keeps the session it had', async () => {
    const before = (await t.api.get('/api/brokers/kite/session').expect(200)).body;
    const used = server.issueRequestToken();
    await t.api.post('/api/brokers/kite/session').send({ requestToken: used }).expect(200);
    const again = await t.api.post('/api/brokers/kite/session').send({ requestToken: used }).expect(422);
    expect(again.body).toMatchObject({ code: 'BROKER_LOGIN_REFUSED' });
    expect(again.body.message).toContain('TokenException');
    const unknown = await t.api.post('/api/brokers/kite/session').send({ requestToken: 'notissued0000' }).expect(422);
    expect(unknown.body.code).toBe('BROKER_LOGIN_REFUSED');
    expect((await t.api.get('/api/brokers/kite/session').expect(200)).body.state).toBe(before.state);
  });

  it('refuses a malformed body with 400 and non-admins with 403', async () => {
    expect((await t.api.post('/api/brokers/kite/session').send({}).expect(400)).body.code).toBeDefined();
    expect((await t.api.post('/api/brokers/kite/session').send({ requestToken: 'a b' }).expect(400)).body.code).toBeDefined();
    const trader = await t.createKey('trader');
    await t.as(trader.token).post('/api/brokers/kite/session').send({ requestToken: server.issueRequestToken() }).expect(403);
    await t.as(trader.token).get('/api/brokers/kite/session').expect(403);
  });
});

describe('the Kite daily login against a Kite app with another secret', () => {
  it('is refused with 422 (Kite checks the checksum sha256(api_key + request_token + api_secret))', async () => {
    const server = await KiteServer.start({ apiKey: 'robokey', apiSecret: 'realsecret' });
    const t = await startTestApp({ KITE_API_KEY: 'robokey', KITE_API_SECRET: 'wrongsecret', KITE_ROOT: server.root, KITE_TICKER_ROOT: server.tickerRoot });
    try {
      expect((await t.api.get('/api/brokers/kite/session').expect(200)).body.tokenSource).toBe('none');
      const res = await t.api.post('/api/brokers/kite/session').send({ requestToken: server.issueRequestToken() }).expect(422);
      expect(res.body).toMatchObject({ code: 'BROKER_LOGIN_REFUSED' });
      expect(res.body.message).toContain('checksum');
      expect((await t.api.get('/api/brokers/kite/session').expect(200)).body.state).toBe('absent');
    } finally {
      await t.close();
      await server.close();
    }
  });
});
