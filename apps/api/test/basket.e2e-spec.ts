import { basketPayoff, basketPnl, type LegFill } from '@robo/paper';
import { openAccount, placeOrder, registerStrategy, reportFill } from './auth-fixtures';
import { startTestApp, TestApp, TestKey } from './test-app';

const CE = 'NIFTY 2026-11-24 26000 CE';
const PE = 'NIFTY 2026-11-24 26000 PE';

describe('GET /api/strategies/:id/basket: multi-leg P&L and payoff at expiry', () => {
  let t: TestApp;
  let trader: TestKey;
  let stranger: TestKey;
  let strategy: string;
  let last = 0;
  const fills: LegFill[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    trader = await t.createKey('trader');
    stranger = await t.createKey('trader');
    const account = await openAccount(t, trader, 'straddle');
    strategy = await registerStrategy(t, trader, account, 'straddle');
    // a short straddle of one lot (65): sell the call at 200.00 and the put at 180.00, charges of 20.00 each
    for (const [instrument, pricePaise, minute] of [[CE, 20_000, 1], [PE, 18_000, 2]] as const) {
      const orderId = await placeOrder(t, trader, account, { instrument, side: 'SELL', quantity: 65, type: 'LIMIT', limitPricePaise: pricePaise, product: 'NRML', strategyId: strategy });
      const occurredAt = `2026-11-20T10:0${minute}:00+05:30`;
      const res = await reportFill(t, orderId, { fillId: `S-${minute}`, quantity: 65, pricePaise, feesPaise: 2_000, occurredAt });
      expect(res.status).toBe(201);
      last = res.body.globalPosition;
      fills.push({ legId: instrument, accountId: account, instrument, orderId, fillId: `S-${minute}`, side: 'SELL', quantity: 65, pricePaise, feesPaise: 2_000, occurredAt });
    }
  }, 30_000);
  afterAll(async () => t.close());

  it('answers the legs, net premium, P&L at the market marks and the payoff of the library', async () => {
    const res = await t.as(trader.token).get(`/api/strategies/${strategy}/basket?minPosition=${last}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ strategyId: strategy, day: '2026-11-20', days: ['2026-11-20'], netPremiumPaise: 65 * 38_000 });
    const quotes = (await t.api.get(`/api/market/quotes?symbols=${encodeURIComponent(`${CE},${PE}`)}`)).body.quotes;
    const marks = Object.fromEntries(quotes.map((q: { symbol: string; lastPaise: number }) => [q.symbol, q.lastPaise]));
    const expected = basketPnl(fills, marks);
    expect(res.body.combined).toEqual(expected.combined);
    expect(res.body.legs.map((l: { instrument: string; quantity: number; markSource: string }) => [l.instrument, l.quantity, l.markSource])).toEqual([
      [CE, -65, 'MARKET'],
      [PE, -65, 'MARKET'],
    ]);
    const payoff = res.body.payoff;
    expect(payoff).toEqual(basketPayoff(fills, payoff.points.map((p: { underlyingPaise: number }) => p.underlyingPaise)));
    expect(payoff.maxProfitPaise).toBe(65 * 38_000 - 4_000);
    expect(payoff.maxLossPaise).toBeNull();
    expect(payoff.breakevensPaise).toEqual([2_600_000 - 37_938, 2_600_000 + 37_938]);
  });

  it('is read like the strategy: another trader gets 404; a day without legs 404', async () => {
    expect((await t.as(stranger.token).get(`/api/strategies/${strategy}/basket`)).status).toBe(404);
    const none = await t.as(trader.token).get(`/api/strategies/${strategy}/basket?day=2026-11-19`);
    expect([none.status, none.body.code, none.body.details]).toEqual([404, 'BASKET_NOT_FOUND', { days: ['2026-11-20'] }]);
  });
});
