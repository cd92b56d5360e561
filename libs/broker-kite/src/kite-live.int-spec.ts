import { KiteConnect } from 'kiteconnect';
import { itOrSkip, skippedSuite } from '@robo/runtime/testing/skip';

/**
 * A smoke test against Zerodha's real Kite Connect, run only when KITE_API_KEY and KITE_ACCESS_TOKEN are set (the
 * day's token, from the login flow in docs/live-trading.md): profile, margins, the NSE instrument master, a quote.
 * Orders only with KITE_ALLOW_ORDERS=true: one LIMIT BUY of 1 INFY (CNC) priced 8% under the last price, on the
 * tick, so it rests far from the market (inside the exchange's price band), then cancelled; outside market hours
 * the exchange rejects it instead, which also ends it. Either way nothing is bought.
 */
const apiKey = process.env.KITE_API_KEY;
const accessToken = process.env.KITE_ACCESS_TOKEN;

if (!apiKey || !accessToken) {
  skippedSuite('Kite Connect live smoke test', 'KITE_API_KEY and KITE_ACCESS_TOKEN are not both set (a Kite Connect app and the day access token: see docs/live-trading.md)');
} else {
  describe('Kite Connect live smoke test', () => {
    const kc = new KiteConnect({ api_key: apiKey, access_token: accessToken, ...(process.env.KITE_ROOT ? { root: process.env.KITE_ROOT } : {}) });

    it('reads the profile and the margins', async () => {
      const profile = await kc.getProfile();
      expect(profile.user_id).toMatch(/^[A-Z0-9]+$/);
      const margins = await kc.getMargins();
      expect(typeof margins.equity?.net).toBe('number');
    });

    it('reads the NSE instrument master and a quote of INFY', async () => {
      const instruments = await kc.getInstruments('NSE');
      const infy = instruments.find((i) => i.tradingsymbol === 'INFY');
      expect(infy).toMatchObject({ exchange: 'NSE', lot_size: 1 });
      const quote = await kc.getQuote(['NSE:INFY']);
      expect(quote['NSE:INFY'].last_price).toBeGreaterThan(0);
    });

    itOrSkip(process.env.KITE_ALLOW_ORDERS === 'true' ? null : 'KITE_ALLOW_ORDERS is not true (this test places and cancels a real order)')(
      'places a tiny far-from-market LIMIT order and cancels it',
      async () => {
        const last = (await kc.getLTP(['NSE:INFY']))['NSE:INFY'].last_price;
        const price = Math.floor((last * 0.92) / 0.05) * 0.05;
        const { order_id } = await kc.placeOrder('regular', {
          exchange: 'NSE',
          tradingsymbol: 'INFY',
          transaction_type: 'BUY',
          quantity: 1,
          order_type: 'LIMIT',
          price: Number(price.toFixed(2)),
          product: 'CNC',
          validity: 'DAY',
          tag: 'robosmoke',
        });
        expect(order_id).toMatch(/^\d+$/);
        // A real exchange: the order's status is read until it has left Kite's pending states (bounded, 30 reads).
        const statusOf = async () => (await kc.getOrderHistory(order_id)).at(-1)?.status ?? '';
        let status = await statusOf();
        for (let i = 0; i < 30 && /PENDING|RECEIVED/.test(status); i++) status = await statusOf();
        if (status === 'OPEN' || status === 'TRIGGER PENDING') {
          await kc.cancelOrder('regular', order_id);
          for (let i = 0; i < 30 && status !== 'CANCELLED'; i++) status = await statusOf();
        }
        expect(['CANCELLED', 'REJECTED']).toContain(status);
      },
      60_000,
    );
  });
}
