import { ExpirySweeper } from '../src/orders/expiry-sweeper';
import { startTestApp, TestApp, tokenFor } from './test-app';

describe('DAY orders expire after the close', () => {
  let t: TestApp | null = null;
  afterAll(async () => t?.close());

  it('expires working DAY orders and gives their buying power back', async () => {
    // 15:00 IST: the order is placed and the sweep leaves it be
    t = await startTestApp({ CLOCK_START: '2026-11-20T15:00:00+05:30', EXPIRY_SWEEP_MS: '3600000' });
    const { dataDir } = t;
    const { body: account } = await t.api.post('/api/accounts').send({ name: 'Late', initialCashPaise: 10_000_000 });
    const placed = await t.api
      .post('/api/orders')
      .send({ accountId: account.accountId, instrument: 'ITC', side: 'BUY', quantity: 10, type: 'LIMIT', limitPricePaise: 45_000, product: 'CNC', validity: 'DAY' });
    expect(placed.status).toBe(201);
    await t.api.get('/api/orders').query({ minPosition: placed.body.globalPosition });
    expect(await t.app.get(ExpirySweeper).sweep()).toBe(0);
    const admin = t.admin;
    await t.close();

    // The same store at 15:30 IST, the close: the sweep expires it, once
    t = await startTestApp({ DATA_DIR: dataDir, CLOCK_START: '2026-11-20T15:30:00+05:30', EXPIRY_SWEEP_MS: '3600000' });
    const api = t.as(await tokenFor(t.server, admin.apiKey));
    await api.get('/api/orders').query({ minPosition: placed.body.globalPosition });
    const sweeper = t.app.get(ExpirySweeper);
    expect(await sweeper.sweep()).toBe(1);
    expect(await sweeper.sweep()).toBe(0);

    const events = await api.get(`/api/streams/order-${placed.body.orderId}/events`);
    expect(events.body.events.map((e: { type: string }) => e.type)).toEqual(['OrderPlaced', 'OrderAccepted', 'OrderExpired']);
    expect(events.body.events[2].metadata.actor).toBe('system:expiry');
    const head = events.body.events[2].globalPosition;
    const accountView = await api.get(`/api/accounts/${account.accountId}`).query({ minPosition: head + 1 });
    expect(accountView.body.reservedPaise).toBe(0);
  });
});
