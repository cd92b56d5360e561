import { startTestApp, TestApp } from './test-app';

describe('GET /api/market/option-chain: bid/ask, IV, greeks and open interest per strike', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  }, 30_000);
  afterAll(async () => t.close());

  it('quotes each side as /api/market/quotes does, with the IV of its price and the greeks at it', async () => {
    const res = await t.api.get('/api/market/option-chain?underlying=NIFTY&strikes=3');
    expect(res.status).toBe(200);
    const { rows, model, lotSize, atmStrikePaise } = res.body;
    expect(model).toMatchObject({ rate: 0.065, timeToExpiry: expect.stringContaining('365') });
    expect(rows).toHaveLength(7);
    const symbols = rows.flatMap((r: { call: { symbol: string }; put: { symbol: string } }) => [r.call.symbol, r.put.symbol]);
    const quotes = (await t.api.get(`/api/market/quotes?symbols=${encodeURIComponent(symbols.join(','))}`)).body.quotes;
    for (const row of rows) {
      for (const side of [row.call, row.put]) {
        const quote = quotes.find((q: { symbol: string }) => q.symbol === side.symbol);
        expect({ bid: side.bidPaise, ask: side.askPaise, last: side.lastPaise }).toEqual({ bid: quote.bidPaise, ask: quote.askPaise, last: quote.lastPaise });
        expect(side.bidPaise).toBeLessThan(side.askPaise);
        expect(side.openInterest % lotSize).toBe(0);
        expect(side.openInterest).toBeGreaterThan(0);
        expect(side.gamma).toBeGreaterThan(0);
        expect(side.vega).toBeGreaterThan(0);
        expect(side.theta).toBeLessThan(0);
      }
      expect(row.call.delta).toBeGreaterThan(0);
      expect(row.put.delta).toBeLessThan(0);
    }
    const atm = rows.find((r: { strikePaise: number }) => r.strikePaise === atmStrikePaise);
    // the premium is the model's at its volatility, rounded to a tick: the implied volatility is that volatility, nearly
    expect(Math.abs(atm.call.iv - model.volatility)).toBeLessThan(0.002);
    expect(Math.abs(atm.put.iv - model.volatility)).toBeLessThan(0.002);
    expect(atm.call.delta - atm.put.delta).toBeCloseTo(1, 2);
  });
});
