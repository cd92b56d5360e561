import { ExpirySweeper } from '../src/orders/expiry-sweeper';
import { startTestApp, TestApp } from './test-app';

describe('DAY orders expire after the close', () => {
  let t: TestApp;
  beforeAll(async () => {
    // 15:29:50 IST, clock running 10x: the close is one real second away.
    t = await startTestApp({ CLOCK_START: '2026-11-20T15:29:50+05:30', CLOCK_SPEED: '10', EXPIRY_SWEEP_MS: '3600000' });
  });
  afterAll(async () => t.close());

  it('expires working DAY orders and gives their buying power back', async () => {
    const { body: account } = await t.api.post('/api/accounts').send({ name: 'Late', initialCashPaise: 10_000_000 });
    const placed = await t.api
      .post('/api/orders')
      .send({ accountId: account.accountId, instrument: 'ITC', side: 'BUY', quantity: 10, type: 'LIMIT', limitPricePaise: 45_000, product: 'CNC', validity: 'DAY' });
    expect(placed.status).toBe(201);
    const sweeper = t.app.get(ExpirySweeper);
    await t.api.get('/api/orders').query({ minPosition: placed.body.globalPosition });
    expect(await sweeper.sweep()).toBe(0); // still 15:29:5x

    await new Promise((r) => setTimeout(r, 1500)); // now past 15:30 IST
    expect(await sweeper.sweep()).toBe(1);
    expect(await sweeper.sweep()).toBe(0); // once only

    const events = await t.api.get(`/api/streams/order-${placed.body.orderId}/events`);
    expect(events.body.events.map((e: { type: string }) => e.type)).toEqual(['OrderPlaced', 'OrderAccepted', 'OrderExpired']);
    expect(events.body.events[2].metadata.actor).toBe('system:expiry');
    const head = events.body.events[2].globalPosition;
    const accountView = await t.api.get(`/api/accounts/${account.accountId}`).query({ minPosition: head + 1 });
    expect(accountView.body.reservedPaise).toBe(0);
  });
});
