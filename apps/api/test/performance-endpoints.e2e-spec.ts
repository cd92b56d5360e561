import { accountPerformance, READ_MODEL_STORE, ReadModelStore, readAccountPerformanceDocs, readStrategyPerformanceDocs, strategyPerformance } from '@robo/read-models';
import { openAccount, placeOrder, registerStrategy, reportFill } from './auth-fixtures';
import { startTestApp, TestApp, TestKey } from './test-app';

/** Registered on the trader's account in beforeAll (an order may carry only a strategy of its own account). */
let STRATEGY = '';
const AT = (minute: number) => `2026-11-20T10:${String(minute).padStart(2, '0')}:00+05:30`;
// JSON round trip: what the HTTP body holds (undefined fields dropped).
const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe('performance endpoints: GET /api/accounts/:id/performance and /api/strategies/:id/performance', () => {
  let t: TestApp;
  let reads: ReadModelStore;
  let trader: TestKey;
  let stranger: TestKey;
  let viewer: TestKey;
  let auditor: TestKey;
  let account: string;
  let last = 0;

  /** A MIS order with the strategy, filled at once by the broker report. */
  async function trade(instrument: string, side: 'BUY' | 'SELL', quantity: number, pricePaise: number, minute: number): Promise<void> {
    const orderId = await placeOrder(t, trader, account, { instrument, side, quantity, type: 'LIMIT', limitPricePaise: pricePaise, product: 'MIS', strategyId: STRATEGY });
    const fill = await reportFill(t, orderId, { fillId: `F-${minute}`, quantity, pricePaise, feesPaise: 100, occurredAt: AT(minute) });
    expect(fill.status).toBe(201);
    last = Math.max(last, fill.body.globalPosition as number);
  }

  beforeAll(async () => {
    t = await startTestApp();
    reads = t.app.get(READ_MODEL_STORE);
    trader = await t.createKey('trader');
    stranger = await t.createKey('trader');
    account = await openAccount(t, trader, 'perf');
    STRATEGY = await registerStrategy(t, trader, account, 'perf');
    await openAccount(t, stranger, 'other');
    viewer = await t.createKey('viewer', [account]);
    auditor = await t.createKey('auditor');
    // Two round trips: ITC 450.00 -> 460.00 x 100 (+1,000.00 gross), INFY 1,500.00 -> 1,490.00 x 10 (-100.00 gross); 1.00 fee per fill.
    await trade('ITC', 'BUY', 100, 45_000, 1);
    await trade('ITC', 'SELL', 100, 46_000, 2);
    await trade('INFY', 'BUY', 10, 150_000, 3);
    await trade('INFY', 'SELL', 10, 149_000, 4);
  }, 30_000);
  afterAll(async () => t.close());

  it('answers the figures the library computes from the same documents, and the hand-checked ones', async () => {
    const res = await t.as(trader.token).get(`/api/accounts/${account}/performance?minPosition=${last}`);
    expect(res.status).toBe(200);
    const expected = accountPerformance(await readAccountPerformanceDocs(reads, account));
    expect(res.body).toEqual({ accountId: account, ...(json(expected) as object) });
    const s = res.body.statistics;
    expect(s.tradeCount).toBe(2);
    expect(s.wins).toBe(1);
    expect(s.losses).toBe(1);
    expect(s.winRate).toBe(0.5);
    expect(s.grossPnlPaise).toBe(100_000 - 10_000);
    expect(s.feesPaise).toBe(400);
    expect(s.netPnlPaise).toBe(100_000 - 10_000 - 400);
    expect(s.bestTradePaise).toBe(99_800);
    expect(s.worstTradePaise).toBe(-10_200);
    expect(Object.keys(res.body.byInstrument).sort()).toEqual(['INFY', 'ITC']);
    expect(res.body.byInstrument.ITC.netPnlPaise).toBe(99_800);
    expect(res.body.byPeriod.month['2026-11'].trades.tradeCount).toBe(2);
    expect(res.body.equityCurve.at(-1)).toMatchObject({ date: '2026-11-20', equityPaise: 10_000_000_000 + 89_600 });
    expect(res.body.drawdownSeries).toHaveLength(res.body.equityCurve.length);
  });

  it('passes the options through (window, risk-free rate, one period)', async () => {
    const res = await t.as(viewer.token).get(`/api/accounts/${account}/performance?from=2026-11-20&to=2026-11-20&riskFreeRate=0.065&period=week`);
    expect(res.status).toBe(200);
    const expected = accountPerformance({ ...(await readAccountPerformanceDocs(reads, account)), options: { from: '2026-11-20', to: '2026-11-20', riskFreeRate: 0.065 } });
    expect(res.body.statistics).toEqual(json(expected.statistics));
    expect(Object.keys(res.body.byPeriod)).toEqual(['week']);
    expect(res.body.byPeriod.week).toEqual(json(expected.byPeriod.week));
    const empty = await t.as(trader.token).get(`/api/accounts/${account}/performance?from=2026-12-01`);
    expect(empty.status).toBe(200);
    expect(empty.body.statistics.tradeCount).toBe(0);
  });

  it("replays a strategy's fills, with and without capital", async () => {
    const res = await t.as(trader.token).get(`/api/strategies/${STRATEGY}/performance?capitalPaise=10000000&minPosition=${last}`);
    expect(res.status).toBe(200);
    const docs = await readStrategyPerformanceDocs(reads, STRATEGY);
    expect(res.body).toEqual({ strategyId: STRATEGY, accountIds: [account], ...(json(strategyPerformance({ ...docs, options: { capitalPaise: 10_000_000 } })) as object) });
    expect(res.body.statistics.tradeCount).toBe(2);
    expect(res.body.statistics.netPnlPaise).toBe(89_600);
    // One day only: it is the window's base (no return or profit of its own); its close holds the P&L.
    expect(res.body.equityCurve.at(-1).equityPaise).toBe(10_000_000 + 89_600);
    const bare = await t.as(viewer.token).get(`/api/strategies/${STRATEGY}/performance`);
    expect(bare.status).toBe(200);
    // Without capitalPaise the strategy's own capital allocation (10,000,000 paise at registration) is the base.
    expect(bare.body.equityCurve[0].equityPaise).toBe(10_000_000);
    expect(bare.body.statistics.totalReturn).not.toBeNull();
  });

  it('is readable by the readers of the account only; others cannot tell it exists', async () => {
    for (const key of [auditor, t.admin]) {
      expect((await t.as(key.token).get(`/api/accounts/${account}/performance`)).status).toBe(200);
      expect((await t.as(key.token).get(`/api/strategies/${STRATEGY}/performance`)).status).toBe(200);
    }
    const a = await t.as(stranger.token).get(`/api/accounts/${account}/performance`);
    expect([a.status, a.body.code]).toEqual([404, 'ACCOUNT_NOT_FOUND']);
    const s = await t.as(stranger.token).get(`/api/strategies/${STRATEGY}/performance`);
    expect([s.status, s.body.code]).toEqual([404, 'STRATEGY_NOT_FOUND']);
    const unknown = await t.as(t.admin.token).get('/api/strategies/no-such-strategy/performance');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'STRATEGY_NOT_FOUND']);
    const none = await t.as(t.admin.token).get('/api/accounts/00000000-0000-4000-8000-000000000000/performance');
    expect([none.status, none.body.code]).toEqual([404, 'ACCOUNT_NOT_FOUND']);
    expect((await t.as('').get(`/api/accounts/${account}/performance`)).status).toBe(401);
  });

  it.each([
    ['from=2026-13-01', 'VALIDATION_FAILED'],
    ['to=yesterday', 'VALIDATION_FAILED'],
    ['from=2026-11-21&to=2026-11-20', 'VALIDATION_FAILED'],
    ['riskFreeRate=abc', 'VALIDATION_FAILED'],
    ['riskFreeRate=5', 'VALIDATION_FAILED'],
    ['period=year', 'VALIDATION_FAILED'],
    ['minPosition=-1', 'VALIDATION_FAILED'],
    ['minPosition=999999999', 'MIN_POSITION_AHEAD'],
    ['unknown=1', 'VALIDATION_FAILED'],
  ])('refuses %s with 400 %s', async (qs, code) => {
    const res = await t.as(trader.token).get(`/api/accounts/${account}/performance?${qs}`);
    expect([res.status, res.body.code]).toEqual([400, code]);
    const strategy = await t.as(trader.token).get(`/api/strategies/${STRATEGY}/performance?${qs}`);
    expect([strategy.status, strategy.body.code]).toEqual([400, code]);
  });

  it('refuses bad ids and capital with 400', async () => {
    expect((await t.as(trader.token).get('/api/accounts/not-a-uuid/performance')).body.code).toBe('INVALID_ID');
    const badId = await t.as(trader.token).get('/api/strategies/a%20b/performance');
    expect([badId.status, badId.body.code]).toEqual([400, 'INVALID_ID']);
    for (const capital of ['0', '-5', '1.5', 'lots']) {
      const res = await t.as(trader.token).get(`/api/strategies/${STRATEGY}/performance?capitalPaise=${capital}`);
      expect([capital, res.status, res.body.code]).toEqual([capital, 400, 'VALIDATION_FAILED']);
    }
  });
});
