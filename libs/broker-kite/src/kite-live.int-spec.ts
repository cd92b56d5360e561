import { KiteConnect } from 'kiteconnect';
import { skippedSuite } from '@robo/runtime/testing/skip';

/**
 * A smoke test against Zerodha's real Kite Connect, run only when KITE_API_KEY and KITE_ACCESS_TOKEN are set (the
 * day's token, from the login flow in docs/live-trading.md): profile, margins, the NSE instrument master, a quote.
 * It places no order (orders against a real account are not part of this smoke test yet, even with
 * KITE_ALLOW_ORDERS=true).
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
  });
}
