import { startTestApp, TestApp, TestKey, tokenFor } from './test-app';

/**
 * Funds that cannot be dodged, over HTTP: open buys never cover a sell, changing or ending an order re-evaluates
 * what the held long covers, and the daily loss limit counts losses on the day they are recorded.
 */
describe('funds reservation and the daily loss limit (HTTP)', () => {
  let t: TestApp;
  let trader: TestKey;
  const http = () => t.as(trader.token);
  beforeAll(async () => {
    t = await startTestApp({ EXPIRY_SWEEP_MS: '3600000' });
    trader = await t.createKey('trader');
  });
  afterAll(async () => {
    await t?.close();
  });

  async function openAccount(initialCashPaise: number): Promise<string> {
    const res = await http().post('/api/accounts').send({ name: 'Funds', initialCashPaise });
    expect(res.status).toBe(201);
    return res.body.accountId as string;
  }
  const place = (accountId: string, side: 'BUY' | 'SELL', quantity: number, limitPricePaise: number, instrument = 'ITC') =>
    http().post('/api/orders').send({ accountId, instrument, side, quantity, type: 'LIMIT', limitPricePaise, product: 'MIS', validity: 'DAY' });
  // Executions are reported with the admin's credential (a broker's report, not the trader's own request).
  const fill = (orderId: string, fillId: string, quantity: number, pricePaise: number, occurredAt = '2026-11-20T10:01:00+05:30') =>
    t.api.post(`/api/orders/${orderId}/fills`).send({ fillId, quantity, pricePaise, feesPaise: 0, occurredAt });
  const portfolio = (accountId: string, minPosition: number) => http().get(`/api/accounts/${accountId}/portfolio`).query({ minPosition });

  it('refuses a short sale that only an open buy would cover (Rs 1,000 of cash, SELL 1000 ITC LIMIT 450)', async () => {
    const accountId = await openAccount(100_000);
    const first = await place(accountId, 'SELL', 1000, 45_000);
    expect(first.status).toBe(422);
    expect(first.body.code).toBe('INSUFFICIENT_FUNDS');
    // BUY 1000 @ 1.00: 1000 x 100 = 100,000 paise, all the cash
    expect((await place(accountId, 'BUY', 1000, 100)).status).toBe(201);
    const again = await place(accountId, 'SELL', 1000, 45_000);
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('INSUFFICIENT_FUNDS');
  });

  it('refuses a modification that raises a sell beyond the long held, whatever buys are open', async () => {
    // 4,600,000: buy 100 @ 450 (4,500,000), 100,000 left
    const accountId = await openAccount(4_600_000);
    const buy = await place(accountId, 'BUY', 100, 45_000);
    expect((await fill(buy.body.orderId, 'MB-1', 100, 45_000)).status).toBe(201);
    const sell = await place(accountId, 'SELL', 100, 45_000);
    expect(sell.status).toBe(201);
    // an open buy of 1000 @ 1.00 takes the last 100,000 of buying power
    expect((await place(accountId, 'BUY', 1000, 100)).status).toBe(201);
    // SELL 1100 would open a short of 1000 x 45,000 = 45,000,000 with 0 buying power
    const modified = await http().post(`/api/orders/${sell.body.orderId}/modify`).send({ quantity: 1100 });
    expect(modified.status).toBe(422);
    expect(modified.body.code).toBe('INSUFFICIENT_FUNDS');
  });

  it('reserves for a covered sell once a fill of another sell uses up the long it counted on', async () => {
    const accountId = await openAccount(20_000_000);
    const buy = await place(accountId, 'BUY', 100, 45_000);
    expect((await fill(buy.body.orderId, 'CB-1', 100, 45_000)).status).toBe(201);
    // A (100 @ 460) is covered by the 100 held; B (100 @ 470) opens a short: 100 x 47,000 = 4,700,000
    const a = await place(accountId, 'SELL', 100, 46_000);
    const b = await place(accountId, 'SELL', 100, 47_000);
    expect([a.status, b.status]).toEqual([201, 201]);
    let p = await portfolio(accountId, b.body.globalPosition);
    expect(p.body.reservedPaise).toBe(4_700_000);

    // B fills first and sells the long: A would now open a short of 100 x 46,000 = 4,600,000, which it must hold
    const filled = await fill(b.body.orderId, 'CB-2', 100, 47_000, '2026-11-20T10:02:00+05:30');
    expect(filled.status).toBe(201);
    p = await portfolio(accountId, filled.body.globalPosition);
    expect(p.status).toBe(200);
    expect(p.body.reservedPaise).toBe(4_600_000);
  });

  it('cancels a sell that lost its cover when buying power cannot hold the short it would open', async () => {
    // 9,000,000: buy 100 @ 450 (4,500,000), then 4,500,000 of buying power
    const accountId = await openAccount(9_000_000);
    const buy = await place(accountId, 'BUY', 100, 45_000);
    expect((await fill(buy.body.orderId, 'KB-1', 100, 45_000)).status).toBe(201);
    // A: SELL 100 @ 10,000.00, covered by the 100 held; B: SELL 100 @ 450 opens a short and holds 4,500,000
    const a = await place(accountId, 'SELL', 100, 1_000_000);
    const b = await place(accountId, 'SELL', 100, 45_000);
    expect([a.status, b.status]).toEqual([201, 201]);
    // B fills and sells the long; A would open a short worth 100 x 1,000,000 = 100,000,000 on 9,000,000 of cash
    const filled = await fill(b.body.orderId, 'KB-2', 100, 45_000, '2026-11-20T10:02:00+05:30');
    expect(filled.status).toBe(201);
    const orders = await http().get('/api/orders').query({ accountId, minPosition: filled.body.globalPosition, limit: 10 });
    const sellA = orders.body.items.find((o: { orderId: string }) => o.orderId === a.body.orderId);
    expect(sellA.status).toBe('CANCELLED');
    const p = await portfolio(accountId, filled.body.globalPosition);
    expect(p.body.reservedPaise).toBe(0);
  });

  it('gives back what a sell no longer needs once the sell before it is cancelled', async () => {
    const accountId = await openAccount(20_000_000);
    const buy = await place(accountId, 'BUY', 100, 45_000);
    expect((await fill(buy.body.orderId, 'XB-1', 100, 45_000)).status).toBe(201);
    const a = await place(accountId, 'SELL', 100, 46_000);
    const b = await place(accountId, 'SELL', 100, 46_000);
    expect((await portfolio(accountId, b.body.globalPosition)).body.reservedPaise).toBe(4_600_000);
    const cancelled = await http().post(`/api/orders/${a.body.orderId}/cancel`).send({});
    expect(cancelled.status).toBe(200);
    // B is covered by the 100 held now
    expect((await portfolio(accountId, cancelled.body.globalPosition)).body.reservedPaise).toBe(0);
  });
});

describe('the daily loss limit counts losses on the day they are recorded (HTTP, a restart between days)', () => {
  let t: TestApp | null = null;
  afterAll(async () => {
    await t?.close();
  });

  it('refuses new exposure after a losing round trip reported today but dated on an earlier day', async () => {
    // Friday 2026-11-20: orders are placed
    t = await startTestApp({ EXPIRY_SWEEP_MS: '3600000' });
    const { dataDir } = t;
    const trader = await t.createKey('trader');
    const http = (app: TestApp) => app.as(trader.token);
    const opened = await http(t).post('/api/accounts').send({ name: 'Late fills', initialCashPaise: 100_000_000 });
    const accountId: string = opened.body.accountId;
    expect((await t.api.post(`/api/accounts/${accountId}/risk-limits`).send({ dailyLossLimitPaise: 100_000 })).status).toBe(200);
    const order = (side: 'BUY' | 'SELL', limitPricePaise: number) =>
      http(t!).post('/api/orders').send({ accountId, instrument: 'RELIANCE', side, quantity: 100, type: 'LIMIT', limitPricePaise, product: 'MIS', validity: 'DAY' });
    const buy = await order('BUY', 250_000);
    const sell = await order('SELL', 248_000);
    expect([buy.status, sell.status]).toEqual([201, 201]);
    const admin = t.admin.apiKey;
    await t.close();

    // Monday 2026-11-23: the broker reports Friday's executions, a loss of 100 x (2,480.00 - 2,500.00) = -2,00,000 paise
    t = await startTestApp({ DATA_DIR: dataDir, CLOCK_START: '2026-11-23T10:00:00+05:30', EXPIRY_SWEEP_MS: '3600000' });
    const broker = t.as(await tokenFor(t.server, admin));
    const report = (orderId: string, fillId: string, pricePaise: number, occurredAt: string) =>
      broker.post(`/api/orders/${orderId}/fills`).send({ fillId, quantity: 100, pricePaise, feesPaise: 0, occurredAt });
    expect((await report(buy.body.orderId, 'L-1', 250_000, '2026-11-20T10:01:00+05:30')).status).toBe(201);
    const last = await report(sell.body.orderId, 'L-2', 248_000, '2026-11-20T10:02:00+05:30');
    expect(last.status).toBe(201);

    const next = await http(t).post('/api/orders').send({ accountId, instrument: 'RELIANCE', side: 'BUY', quantity: 1, type: 'LIMIT', limitPricePaise: 250_000, product: 'MIS', validity: 'DAY' });
    expect(next.status).toBe(422);
    expect(next.body.code).toBe('DAILY_LOSS_LIMIT');
  });
});
