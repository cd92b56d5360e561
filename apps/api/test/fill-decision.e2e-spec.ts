import * as fs from 'node:fs';
import * as path from 'node:path';
import { EVENT_STORE, type EventStore } from '@robo/event-store';
import { SettlementReactor } from '../src/orders/settlement.reactor';
import { startTestApp, type TestApp } from './test-app';

type Api = TestApp['api'];

async function openAccount(api: Api, cashPaise = 10_000_000_000): Promise<string> {
  const res = await api.post('/api/accounts').send({ name: 'fills', initialCashPaise: cashPaise });
  expect(res.status).toBe(201);
  return res.body.accountId as string;
}

async function place(api: Api, accountId: string, order: Record<string, unknown>): Promise<string> {
  const res = await api.post('/api/orders').send({ accountId, instrument: 'RELIANCE', type: 'LIMIT', product: 'MIS', validity: 'DAY', ...order });
  expect(res.status).toBe(201);
  return res.body.orderId as string;
}

const fillEvents = async (store: EventStore, orderId: string) =>
  (await store.readStream(`order-${orderId}`)).filter((e) => e.type === 'OrderPartiallyFilled' || e.type === 'OrderFilled');

/** The fill decision over HTTP: one charge rule whatever the path, every check before the append, reused fill ids. */
describe('POST /api/orders/:id/fills: the fill decision', () => {
  let t: TestApp;
  let store: EventStore;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '1000000' });
    store = t.app.get<EventStore>(EVENT_STORE);
  });
  afterAll(async () => t.close());

  it('charges an order filled in parts without feesPaise the same as one execution of the same turnover', async () => {
    const accountId = await openAccount(t.api);
    // 40 @ 2,499.00 + 60 @ 2,500.00 = 24,996,000 paise; one execution of 100 @ 2,499.60 is the same turnover
    const parts = await place(t.api, accountId, { side: 'BUY', quantity: 100, limitPricePaise: 250_000 });
    const once = await place(t.api, accountId, { side: 'BUY', quantity: 100, limitPricePaise: 250_000 });
    const at = '2026-11-20T10:01:00+05:30';
    expect((await t.api.post(`/api/orders/${parts}/fills`).send({ fillId: 'P-1', quantity: 40, pricePaise: 249_900, occurredAt: at })).status).toBe(201);
    expect((await t.api.post(`/api/orders/${parts}/fills`).send({ fillId: 'P-2', quantity: 60, pricePaise: 250_000, occurredAt: at })).status).toBe(201);
    expect((await t.api.post(`/api/orders/${once}/fills`).send({ fillId: 'O-1', quantity: 100, pricePaise: 249_960, occurredAt: at })).status).toBe(201);

    const feesOf = async (orderId: string) => (await fillEvents(store, orderId)).map((e) => (e.data as { feesPaise: number }).feesPaise);
    const partFees = await feesOf(parts);
    const [oneExecution] = await feesOf(once);
    expect(partFees).toHaveLength(2);
    expect(oneExecution).toBeGreaterThan(0);
    // brokerage is per executed order: the parts add up to the one execution exactly
    expect(partFees[0] + partFees[1]).toBe(oneExecution);
  });

  it("reproduces the README walk-through's charge figures (T-1 with the broker's Rs 12.00, T-2 from the schedule)", async () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const stated = /T-2 is charged Rs ([\d,.]+), so the order pays Rs 12\.00 \+ Rs [\d,.]+ = Rs ([\d,.]+),/.exec(readme);
    expect(stated).not.toBeNull();
    const paise = (rupees: string) => Math.round(Number(rupees.replace(/,/g, '')) * 100);
    const accountId = await openAccount(t.api, 100_000_000);
    const orderId = await place(t.api, accountId, { side: 'BUY', quantity: 100, limitPricePaise: 250_000 });
    const at = '2026-11-20T10:01:00+05:30';
    expect((await t.api.post(`/api/orders/${orderId}/fills`).send({ fillId: 'T-1', quantity: 40, pricePaise: 249_900, feesPaise: 1200, occurredAt: at })).status).toBe(201);
    expect((await t.api.post(`/api/orders/${orderId}/fills`).send({ fillId: 'T-2', quantity: 60, pricePaise: 250_000, occurredAt: at })).status).toBe(201);
    const fees = (await fillEvents(store, orderId)).map((e) => (e.data as { feesPaise: number }).feesPaise);
    expect(fees).toEqual([1200, paise(stated![1])]);
    expect(fees[0] + fees[1]).toBe(paise(stated![2]));
  });

  it('refuses a fill the settlement could not apply before anything is appended (SELL 10 @ 0.05, then 10 @ 10^15 paise)', async () => {
    const accountId = await openAccount(t.api);
    const orderId = await place(t.api, accountId, { side: 'SELL', quantity: 10, limitPricePaise: 5 });
    const head = async () => (await store.readStream(`order-${orderId}`)).length;
    const before = await head();
    // with the broker's charges, and without (then the charges themselves are beyond range)
    for (const charges of [{ feesPaise: 0 }, {}]) {
      const res = await t.api.post(`/api/orders/${orderId}/fills`).send({ fillId: 'BIG', quantity: 10, pricePaise: 1_000_000_000_000_000, occurredAt: '2026-11-20T10:01:00+05:30', ...charges });
      expect([res.status, res.body.code]).toEqual([400, 'AMOUNT_INVALID']);
      expect(await head()).toBe(before);
    }
    expect((await t.api.get(`/api/orders/${orderId}`)).body.status).toBe('OPEN');
  });

  it('refuses a fill id reused with another quantity or price (409 FILL_ID_REUSED) and answers the same report again with 200', async () => {
    const accountId = await openAccount(t.api);
    const orderId = await place(t.api, accountId, { side: 'BUY', quantity: 10, limitPricePaise: 250_000 });
    const report = { fillId: 'R-1', quantity: 4, pricePaise: 249_900, feesPaise: 100, occurredAt: '2026-11-20T10:01:00+05:30' };
    expect((await t.api.post(`/api/orders/${orderId}/fills`).send(report)).status).toBe(201);

    const again = await t.api.post(`/api/orders/${orderId}/fills`).send(report);
    expect(again.status).toBe(200);
    expect(again.body.changed).toBe(false);
    // the replay's answer covers the fill's effects too (its cash settlement comes after the fill event)
    const settled = (await store.readStream(`account-${accountId}`)).find((e) => e.type === 'CashSettled');
    expect(BigInt(again.body.globalPosition)).toBeGreaterThanOrEqual(settled!.globalPosition);
    for (const other of [{ quantity: 5 }, { pricePaise: 249_800 }]) {
      const res = await t.api.post(`/api/orders/${orderId}/fills`).send({ ...report, ...other });
      expect([res.status, res.body.code]).toEqual([409, 'FILL_ID_REUSED']);
    }
    expect((await fillEvents(store, orderId)).map((e) => (e.data as { quantity: number }).quantity)).toEqual([4]);
  });

  it('refuses fills dated before their order was placed, in 2099 or off the tick grid, each with its code and nothing appended', async () => {
    const accountId = await openAccount(t.api);
    const orderId = await place(t.api, accountId, { side: 'BUY', quantity: 10, limitPricePaise: 250_000 });
    const cases: [Record<string, unknown>, number, string][] = [
      [{ occurredAt: '2026-11-20T09:59:00+05:30' }, 422, 'FILL_BEFORE_ORDER'],
      [{ occurredAt: '2020-01-01T10:00:00+05:30' }, 422, 'FILL_BEFORE_ORDER'],
      [{ occurredAt: '2099-11-20T10:00:00+05:30' }, 422, 'FILL_IN_FUTURE'],
      [{ pricePaise: 249_901 }, 422, 'FILL_PRICE_NOT_ON_TICK'],
    ];
    for (const [change, status, code] of cases) {
      const res = await t.api.post(`/api/orders/${orderId}/fills`).send({ fillId: `X-${code}`, quantity: 1, pricePaise: 249_900, occurredAt: '2026-11-20T10:01:00+05:30', ...change });
      expect([res.status, res.body.code]).toEqual([status, code]);
    }
    expect(await fillEvents(store, orderId)).toEqual([]);
  });

  it("answers a fill with a position that covers its cash settlement even when the log's reactor run settled it first", async () => {
    const reactor = t.app.get(SettlementReactor);
    const inline = reactor.handle.bind(reactor);
    // The log follower's run is made to happen first, deterministically: each inline call runs the reactor once
    // more before its own run (the follower's run), so the inline run finds the position and cash already settled.
    const spy = jest.spyOn(reactor, 'handle').mockImplementation(async (event) => {
      await inline(event);
      return inline(event);
    });
    try {
      const accountId = await openAccount(t.api);
      const orderId = await place(t.api, accountId, { side: 'BUY', quantity: 10, limitPricePaise: 250_000 });
      const res = await t.api.post(`/api/orders/${orderId}/fills`).send({ fillId: 'RW-1', quantity: 10, pricePaise: 250_000, feesPaise: 500, occurredAt: '2026-11-20T10:01:00+05:30' });
      expect(res.status).toBe(201);
      const settled = (await store.readStream(`account-${accountId}`)).find((e) => e.type === 'CashSettled');
      const moved = (await store.readStream(`position-${accountId}-RELIANCE`)).at(-1);
      expect(settled).toBeDefined();
      expect(BigInt(res.body.globalPosition)).toBeGreaterThanOrEqual(settled!.globalPosition);
      expect(BigInt(res.body.globalPosition)).toBeGreaterThanOrEqual(moved!.globalPosition);
      // read your own write: cash is 10,000,000,000 - 10 x 250,000 - 500
      const portfolio = await t.api.get(`/api/accounts/${accountId}/portfolio?minPosition=${res.body.globalPosition}`);
      expect(portfolio.body.cashPaise).toBe(10_000_000_000 - 2_500_000 - 500);
    } finally {
      spy.mockRestore();
    }
  });
});

/** Sessions: a fill outside every session of the exchange needs the broker's late flag. */
describe('POST /api/orders/:id/fills: inside a session unless marked late', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ CLOCK_START: '2026-11-20T15:25:00+05:30' });
  });
  afterAll(async () => t.close());

  it('refuses a fill between the normal market and the closing session, and takes it when marked late', async () => {
    const accountId = await openAccount(t.api);
    const orderId = await place(t.api, accountId, { side: 'BUY', quantity: 10, limitPricePaise: 250_000, product: 'CNC' });
    const report = { fillId: 'S-1', quantity: 10, pricePaise: 250_000, feesPaise: 0, occurredAt: '2026-11-20T15:35:00+05:30' };
    const refused = await t.api.post(`/api/orders/${orderId}/fills`).send(report);
    expect([refused.status, refused.body.code]).toEqual([422, 'FILL_OUTSIDE_SESSION']);
    const late = await t.api.post(`/api/orders/${orderId}/fills`).send({ ...report, late: true });
    expect(late.status).toBe(201);
    expect(late.body.status).toBe('FILLED');
  });
});

/** The allowed clock skew is configuration. */
describe('POST /api/orders/:id/fills: not after the clock plus FILL_CLOCK_SKEW_MS', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ FILL_CLOCK_SKEW_MS: '60000' });
  });
  afterAll(async () => t.close());

  it('refuses a fill dated more than the skew after the clock', async () => {
    const accountId = await openAccount(t.api);
    const orderId = await place(t.api, accountId, { side: 'BUY', quantity: 10, limitPricePaise: 250_000 });
    // the clock started at 10:00 and runs in real time: 10:30 is half an hour ahead, beyond a minute's skew
    const ahead = await t.api.post(`/api/orders/${orderId}/fills`).send({ fillId: 'K-1', quantity: 1, pricePaise: 250_000, feesPaise: 0, occurredAt: '2026-11-20T10:30:00+05:30' });
    expect([ahead.status, ahead.body.code]).toEqual([422, 'FILL_IN_FUTURE']);
  });
});
