import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { MongoClient } from 'mongodb';
import request from 'supertest';
import { loadConfig } from '@robo/runtime';
import { createApp } from '../apps/api/src/bootstrap';
import { MARKET_OPEN_INSTANT, startTestApp, type TestApp, type TestKey } from '../apps/api/test/test-app';
import { reportFill } from '../apps/api/test/auth-fixtures';
import { describeOrSkip } from '@robo/runtime/testing/skip';

/*
 * The api on the production stores (EVENT_STORE=esdb, READ_STORE=mongo, CREDENTIAL_STORE=mongo).
 * - Always: with both servers unreachable it starts, says it is alive but not ready, and stops cleanly.
 * - With MONGO_URL set (FerretDB in `npm test` when it is installed, see docs/production.md): a trading session over
 *   HTTP on the embedded event log with the read models and the API keys in MongoDB.
 * - With EVENTSTORE_URL and MONGO_URL set (npm run test:integration): the same session on both servers.
 */
const SECRET = 'integration-test-secret-0123456789abcdef';

describe('api with EVENT_STORE=esdb and READ_STORE=mongo, servers unreachable', () => {
  let app: INestApplication;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-prod-down-'));
    const config = loadConfig({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      PORT: '0',
      CLOCK_START: MARKET_OPEN_INSTANT,
      EVENT_STORE: 'esdb',
      EVENTSTORE_URL: 'esdb://127.0.0.1:1?tls=false',
      READ_STORE: 'mongo',
      MONGO_URL: 'mongodb://127.0.0.1:1/robo?directConnection=true&serverSelectionTimeoutMS=500',
      AUTH_JWT_SECRET: SECRET,
    });
    app = await createApp(config);
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts, is alive, and reports not ready with both stores unavailable (no crash, no exit)', async () => {
    const live = await request(app.getHttpServer()).get('/health/live');
    expect(live.status).toBe(200);
    const ready = await request(app.getHttpServer()).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'not_ready', checks: { eventStore: 'unavailable', readStore: 'unavailable' } });
  });
});

describe('api with CREDENTIAL_STORE=mongo and MongoDB unreachable (embedded event and read stores)', () => {
  let app: INestApplication;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-cred-down-'));
    const config = loadConfig({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      PORT: '0',
      CLOCK_START: MARKET_OPEN_INSTANT,
      CREDENTIAL_STORE: 'mongo',
      MONGO_URL: 'mongodb://127.0.0.1:1/robo?directConnection=true&serverSelectionTimeoutMS=500',
    });
    // The first-start bootstrap finds the credential store down: the api still starts.
    app = await createApp(config);
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts not ready, answers credential use with 503 CREDENTIAL_STORE_UNAVAILABLE, and wrote no auth.db', async () => {
    const ready = await request(app.getHttpServer()).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ checks: { eventStore: 'ok', readStore: 'ok', credentialStore: 'unavailable' } });
    const token = await request(app.getHttpServer()).post('/auth/token').send({ apiKey: `rtk_${'a'.repeat(16)}_${'b'.repeat(43)}` });
    expect(token.status).toBe(503);
    expect(token.body).toMatchObject({ code: 'CREDENTIAL_STORE_UNAVAILABLE' });
    expect(fs.existsSync(path.join(dataDir, 'auth.db'))).toBe(false);
  });
});

const esdbUrl = process.env.EVENTSTORE_URL;
const mongoUrl = process.env.MONGO_URL;

/** Opens an account, places and fills an order (twice: the second is a no-op), and reads it all back through the projections. */
async function tradingSession(t: TestApp, trader: TestKey): Promise<{ accountId: string; orderId: string }> {
  const http = () => t.as(trader.token);
  const opened = await http().post('/api/accounts').send({ name: 'Asha', initialCashPaise: 100_000_000 });
  expect(opened.status).toBe(201);
  const accountId: string = opened.body.accountId;

  const placed = await http()
    .post('/api/orders')
    .send({ accountId, instrument: 'RELIANCE', side: 'BUY', quantity: 100, type: 'LIMIT', limitPricePaise: 250_000, product: 'MIS', validity: 'DAY' });
  expect(placed.status).toBe(201);
  const orderId: string = placed.body.orderId;
  const fill = { fillId: 'F1', quantity: 100, pricePaise: 249_900, feesPaise: 1_200, occurredAt: '2026-11-20T10:01:00+05:30' };
  const filled = await reportFill(t, orderId, fill);
  expect(filled.status).toBe(201);
  // The same fill again changes nothing.
  const again = await reportFill(t, orderId, fill);
  expect(again.status).toBe(200);

  const portfolio = await http().get(`/api/accounts/${accountId}/portfolio`).query({ minPosition: filled.body.globalPosition });
  expect(portfolio.status).toBe(200);
  // cash = 100,000,000 - 100 x 249,900 - 1,200
  expect(portfolio.body.cashPaise).toBe(100_000_000 - 24_990_000 - 1_200);
  expect(portfolio.body.positions).toEqual([expect.objectContaining({ instrument: 'RELIANCE', quantity: 100 })]);

  const order = await http().get(`/api/orders/${orderId}`).query({ minPosition: filled.body.globalPosition });
  expect(order.body).toMatchObject({ orderId, status: 'FILLED' });
  const orders = await http().get('/api/orders').query({ accountId, minPosition: filled.body.globalPosition });
  expect(orders.status).toBe(200);
  expect(orders.body.items.map((o: { orderId: string }) => o.orderId)).toEqual([orderId]);

  const events = await http().get(`/api/streams/order-${orderId}/events`);
  expect(events.status).toBe(200);
  const types = (events.body.events ?? events.body).map((e: { type: string }) => e.type);
  expect(types[0]).toBe('OrderPlaced');
  expect(types).toContain('OrderFilled');
  return { accountId, orderId };
}

describeOrSkip(!mongoUrl && 'MONGO_URL is not set (see docs/production.md, "Running the integration tests")')('api with READ_STORE=mongo and CREDENTIAL_STORE=mongo (embedded event log, no EventStoreDB)', () => {
  let t: TestApp;
  let trader: TestKey;
  let raw: MongoClient;
  const dbName = `robo_e2e_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

  beforeAll(async () => {
    t = await startTestApp({ READ_STORE: 'mongo', CREDENTIAL_STORE: 'mongo', MONGO_URL: withDatabase(mongoUrl ?? '', dbName) });
    trader = await t.createKey('trader');
    raw = new MongoClient(mongoUrl ?? '');
  });

  afterAll(async () => {
    await t?.close();
    await raw?.db(dbName).dropDatabase();
    await raw?.close();
  });

  it('is ready with every store answering', async () => {
    const ready = await request(t.server).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', checks: { eventStore: 'ok', readStore: 'ok', credentialStore: 'ok' } });
  });

  it('keeps the API keys in MongoDB, not in DATA_DIR/auth.db', async () => {
    const stored = await raw.db(dbName).collection('robo_api_keys').find({}, { projection: { role: 1 } }).toArray();
    expect(stored.map((key) => [key._id, key.role]).sort()).toEqual([[t.admin.kid, 'admin'], [trader.kid, 'trader']].sort());
    expect(fs.existsSync(path.join(t.dataDir, 'auth.db'))).toBe(false);
  });

  it('runs a session: commands append to the embedded log, queries read the projections in MongoDB', async () => {
    const { accountId, orderId } = await tradingSession(t, trader);
    const stored = await raw.db(dbName).collection('rm_orders').findOne({ _id: orderId as never });
    expect(stored?.doc).toMatchObject({ orderId, accountId, status: 'FILLED' });
  });
});

describeOrSkip(!(esdbUrl && mongoUrl) && 'EVENTSTORE_URL and MONGO_URL are not both set (see docs/production.md)')('api on EventStoreDB + MongoDB (real servers)', () => {
  let t: TestApp;
  let trader: TestKey;
  const dbName = `robo_e2e_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

  beforeAll(async () => {
    t = await startTestApp({
      EVENT_STORE: 'esdb',
      EVENTSTORE_URL: esdbUrl ?? '',
      READ_STORE: 'mongo',
      MONGO_URL: withDatabase(mongoUrl ?? '', dbName),
      AUTH_JWT_SECRET: SECRET,
    });
    trader = await t.createKey('trader');
  });

  afterAll(async () => {
    await t?.close();
  });

  it('is ready once both servers answer', async () => {
    const ready = await request(t.server).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', checks: { eventStore: 'ok', readStore: 'ok' } });
  });

  it('runs a session: commands append to EventStoreDB, queries read the projections in MongoDB', async () => {
    await tradingSession(t, trader);
  });
});

/** The same server, another database: each run gets a clean read store. */
function withDatabase(url: string, db: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]*)(\/[^?]*)?(\?.*)?$/.exec(url);
  if (!match) return url;
  return `${match[1]}/${db}${match[3] ?? ''}`;
}
