import { brokerKey } from './auth-fixtures';
import { startTestApp, TestApp, TestKey } from './test-app';

/**
 * A realistic session over HTTP: open, deposit, buy in two partial fills, sell part with fees, sell through zero
 * into a short, cover part of the short. Every portfolio figure is checked against values computed by hand below.
 */
describe('trading session (HTTP, embedded stores)', () => {
  let t: TestApp;
  // A trader key, as a user would have: it is granted the accounts it opens.
  let trader: TestKey;
  const http = () => t.as(trader.token);
  beforeAll(async () => {
    t = await startTestApp();
    trader = await t.createKey('trader');
  });
  afterAll(async () => {
    await t.close();
  });

  // Executions are reported by the broker's key, everything else by the trader's.
  const post = async (url: string, body: object) => (url.endsWith('/fills') ? t.as((await brokerKey(t)).token) : http()).post(url).send(body);

  async function placeAndFill(accountId: string, order: object, fills: { fillId: string; quantity: number; pricePaise: number; feesPaise: number; occurredAt: string }[]) {
    const placed = await post('/api/orders', { accountId, instrument: 'RELIANCE', product: 'MIS', validity: 'DAY', ...order });
    expect(placed.status).toBe(201);
    let last = placed.body;
    for (const fill of fills) {
      const res = await post(`/api/orders/${placed.body.orderId}/fills`, fill);
      expect(res.status).toBe(201);
      last = res.body;
    }
    return { orderId: placed.body.orderId as string, last };
  }

  it('keeps every figure of the portfolio exact', async () => {
    const opened = await post('/api/accounts', { name: 'Asha', initialCashPaise: 100_000_000 });
    expect(opened.status).toBe(201);
    const accountId: string = opened.body.accountId;
    expect(opened.headers['x-correlation-id']).toBeDefined();

    expect((await post(`/api/accounts/${accountId}/deposits`, { amountPaise: 50_000_000 })).status).toBe(201);

    // Buy 100 @ limit 2,500.00 filled 40 @ 2,499.00 (fees 12.00) and 60 @ 2,500.00 (fees 18.00).
    // cost = 40*249,900 + 60*250,000 = 9,996,000 + 15,000,000 = 24,996,000; average = 249,960; entry fees 3,000
    const buy = await placeAndFill(accountId, { side: 'BUY', quantity: 100, type: 'LIMIT', limitPricePaise: 250_000 }, [
      { fillId: 'F1', quantity: 40, pricePaise: 249_900, feesPaise: 1_200, occurredAt: '2026-11-20T10:01:00+05:30' },
      { fillId: 'F2', quantity: 60, pricePaise: 250_000, feesPaise: 1_800, occurredAt: '2026-11-20T10:02:00+05:30' },
    ]);
    expect(buy.last.status).toBe('FILLED');

    // Sell 30 @ 2,510.00, fees 9.00. cost closed = 24,996,000*30/100 = 7,498,800; exit = 7,530,000
    // gross = 31,200; entry fees allocated = 3,000*30/100 = 900; net = 31,200 - 900 - 900 = 29,400
    await placeAndFill(accountId, { side: 'SELL', quantity: 30, type: 'LIMIT', limitPricePaise: 251_000 }, [
      { fillId: 'F3', quantity: 30, pricePaise: 251_000, feesPaise: 900, occurredAt: '2026-11-20T10:05:00+05:30' },
    ]);

    // Sell 100 at market through zero: 70 close the long, 30 open a short. Filled 100 @ 2,520.00, fees 30.00
    // split 2,100 (closing 70) / 900 (opening 30). Close: cost 17,497,200, exit 17,640,000, gross 142,800,
    // net = 142,800 - 2,100 (entry fees left) - 2,100 = 138,600. Short: -30, cost 7,560,000, entry fees 900.
    await placeAndFill(accountId, { side: 'SELL', quantity: 100, type: 'MARKET' }, [
      { fillId: 'F4', quantity: 100, pricePaise: 252_000, feesPaise: 3_000, occurredAt: '2026-11-20T10:10:00+05:30' },
    ]);

    // Cover 10 @ 2,515.00, fees 3.00: cost closed 7,560,000*10/30 = 2,520,000; exit 2,515,000;
    // gross (short) = 5,000; net = 5,000 - 300 - 300 = 4,400. Left: -20, cost 5,040,000 (average 2,520.00), fees 600.
    const cover = await placeAndFill(accountId, { side: 'BUY', quantity: 10, type: 'LIMIT', limitPricePaise: 251_500 }, [
      { fillId: 'F5', quantity: 10, pricePaise: 251_500, feesPaise: 300, occurredAt: '2026-11-20T10:15:00+05:30' },
    ]);

    const res = await http().get(`/api/accounts/${accountId}/portfolio`).query({ minPosition: cover.last.globalPosition });
    expect(res.status).toBe(200);
    const p = res.body;
    // cash = 150,000,000 - 24,996,000 - 3,000 + 7,530,000 - 900 + 25,200,000 - 3,000 - 2,515,000 - 300 = 155,211,800
    expect(p.cashPaise).toBe(155_211_800);
    expect(p.reservedPaise).toBe(0);
    expect(p.realizedGrossPaise).toBe(31_200 + 142_800 + 5_000); // 179,000
    expect(p.realizedNetPaise).toBe(29_400 + 138_600 + 4_400); // 172,400
    expect(p.feesPaise).toBe(1_200 + 1_800 + 900 + 3_000 + 300); // 7,200
    // No market feed runs in this app: the open short is marked at its own cost, visibly (markSource COST), never
    // at a fill price. market value = -cost = -5,040,000; unrealized 0
    expect(p.unrealizedPnlPaise).toBe(0);
    expect(p.marketValuePaise).toBe(-5_040_000);
    expect(p.equityPaise).toBe(155_211_800 - 5_040_000); // 150,171,800
    expect([p.priced, p.unpricedInstruments]).toEqual([false, ['RELIANCE']]);
    // Total P&L = equity - money put in (150,000,000) = 171,800 = realized net + unrealized - entry fees of the open short
    expect(p.netInflowPaise).toBe(150_000_000);
    expect(p.totalPnlPaise).toBe(171_800);
    expect(p.pnlSplit).toEqual({ realizedNetPaise: 172_400, unrealizedPnlPaise: 0, openChargesPaise: 600 });

    expect(p.positions).toHaveLength(1);
    const position = p.positions[0];
    expect(position).toMatchObject({
      instrument: 'RELIANCE',
      quantity: -20,
      averagePricePaise: 252_000,
      lastPricePaise: null,
      markSource: 'COST',
      unrealizedPnlPaise: 0,
      realizedNetPaise: 172_400,
      realizedGrossPaise: 179_000,
    });

    const positions = await http().get(`/api/accounts/${accountId}/positions`);
    expect(positions.status).toBe(200);
    expect(positions.body.positions[0].quantity).toBe(-20);

    const orders = await http().get('/api/orders').query({ accountId, minPosition: cover.last.globalPosition });
    expect(orders.status).toBe(200);
    expect(orders.body.items).toHaveLength(4);
    expect(orders.body.items.map((o: { status: string }) => o.status)).toEqual(['FILLED', 'FILLED', 'FILLED', 'FILLED']);
    const first = await http().get(`/api/orders/${buy.orderId}`);
    expect(first.body).toMatchObject({ filledQuantity: 100, remainingQuantity: 0, feesPaise: 3_000 });
    expect(first.body.fills.map((f: { fillId: string }) => f.fillId)).toEqual(['F1', 'F2']);
  });

  it('answers a fill reported twice with no change, and never overfills', async () => {
    const { body: account } = await post('/api/accounts', { name: 'Ravi', initialCashPaise: 10_000_000 });
    const placed = await post('/api/orders', { accountId: account.accountId, instrument: 'INFY', side: 'BUY', quantity: 10, type: 'MARKET', product: 'CNC', validity: 'DAY' });
    expect(placed.status).toBe(201);
    const fill = { fillId: 'X1', quantity: 6, pricePaise: 150_000, feesPaise: 0, occurredAt: '2026-11-20T10:03:00+05:30' };
    const once = await post(`/api/orders/${placed.body.orderId}/fills`, fill);
    const twice = await post(`/api/orders/${placed.body.orderId}/fills`, fill);
    expect(once.status).toBe(201);
    expect(twice.status).toBe(200);
    expect(twice.body.streamRevision).toBe(once.body.streamRevision);
    const over = await post(`/api/orders/${placed.body.orderId}/fills`, { ...fill, fillId: 'X2', quantity: 5 });
    expect(over.status).toBe(422);
    expect(over.body.code).toBe('FILL_EXCEEDS_QUANTITY');
    const events = await http().get(`/api/streams/order-${placed.body.orderId}/events`);
    expect(events.body.events.map((e: { type: string }) => e.type)).toEqual(['OrderPlaced', 'OrderAccepted', 'OrderPartiallyFilled']);
  });

  it('records a risk rejection with its reason code and answers 422', async () => {
    const { body: account } = await post('/api/accounts', { name: 'Small', initialCashPaise: 100_000 });
    const res = await post('/api/orders', { accountId: account.accountId, instrument: 'TCS', side: 'BUY', quantity: 10, type: 'LIMIT', limitPricePaise: 400_000, product: 'CNC', validity: 'DAY' });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('INSUFFICIENT_FUNDS');
    expect(res.body.correlationId).toEqual(expect.any(String));
    const orderId = res.body.details.orderId;
    const order = await http().get(`/api/orders/${orderId}`).query({ minPosition: res.body.details.globalPosition });
    expect(order.body).toMatchObject({ status: 'REJECTED', rejectReasonCode: 'INSUFFICIENT_FUNDS' });
  });

  it('makes a retried order with the same Idempotency-Key return the first answer and append nothing', async () => {
    const { body: account } = await post('/api/accounts', { name: 'Idem', initialCashPaise: 10_000_000 });
    const body = { accountId: account.accountId, instrument: 'ITC', side: 'BUY', quantity: 5, type: 'LIMIT', limitPricePaise: 45_000, product: 'CNC', validity: 'DAY' };
    const first = await http().post('/api/orders').set('Idempotency-Key', 'k-1').send(body);
    const again = await http().post('/api/orders').set('Idempotency-Key', 'k-1').send(body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const other = await http().post('/api/orders').set('Idempotency-Key', 'k-1').send({ ...body, quantity: 6 });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const account2 = await http().get(`/api/streams/account-${account.accountId}/events`);
    // opened + one reservation, not two
    expect(account2.body.events.map((e: { type: string }) => e.type)).toEqual(['AccountOpened', 'FundsReserved']);
  });

  it('honours x-correlation-id (namespaced by the key) and stores it in the events with the actor (the key id, never a secret)', async () => {
    const res = await http().post('/api/accounts').set('x-correlation-id', 'corr-abc-123').send({ name: 'Corr', initialCashPaise: 0 });
    const correlationId = `key:${trader.kid}:corr-abc-123`;
    expect(res.headers['x-correlation-id']).toBe(correlationId);
    const query = { correlationId, minPosition: res.body.globalPosition };
    const audit = await http().get('/api/audit').query(query);
    expect(audit.status).toBe(200);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ type: 'AccountOpened', correlationId, actor: `key:${trader.kid}` });
    // The trader's grant on it (a trader is granted the accounts it opens), same request, same ids: for operators.
    const operators = await t.api.get('/api/audit').query(query);
    expect(operators.body.items).toHaveLength(2);
    expect(operators.body.items[1]).toMatchObject({ type: 'AccountAccessGranted', correlationId, actor: `key:${trader.kid}`, accountId: res.body.accountId });
    expect(JSON.stringify([audit.body, operators.body])).not.toContain(trader.apiKey);
  });
});
