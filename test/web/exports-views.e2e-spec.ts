import * as fs from 'node:fs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { openAccount, placeOrder, registerStrategy, reportFill } from '../../apps/api/test/auth-fixtures';
import { startTestApp, type TestApp, type TestKey } from '../../apps/api/test/test-app';
import { chromiumMissing, collectErrors, launchChromium, newContext, screenshot } from './browser';
import { ensureWebBuilt } from './web-build';
import { describeOrSkip } from '@robo/runtime/testing/skip';

/**
 * The statement and export buttons, the watchlist, the option chain and a strategy's basket, in a real browser
 * against the api started in process (simulated clock inside market hours, fills reported by a broker key).
 */
const missing = chromiumMissing();
const suite = describeOrSkip(missing);

jest.setTimeout(60_000);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
async function shows(locator: Locator, text: string): Promise<void> {
  await locator.filter({ hasText: new RegExp(`^\\s*${escape(text)}\\s*$`) }).waitFor();
}
function rupees(paise: number): string {
  const abs = Math.abs(paise);
  return `${paise < 0 ? '-' : ''}₹${new Intl.NumberFormat('en-IN').format(Math.floor(abs / 100))}.${String(abs % 100).padStart(2, '0')}`;
}

suite('statement, exports, watchlist, option chain and basket (browser)', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let trader: TestKey;
  let account: string;
  let strategy: string;

  async function fill(instrument: string, side: 'BUY' | 'SELL', quantity: number, pricePaise: number, minute: number, extra: Record<string, unknown> = {}) {
    const { feesPaise: _fees, ...order } = extra;
    const orderId = await placeOrder(t, trader, account, { instrument, side, quantity, type: 'LIMIT', limitPricePaise: pricePaise, ...order });
    const res = await reportFill(t, orderId, { fillId: `W-${minute}`, quantity, pricePaise, occurredAt: `2026-11-20T10:${String(minute).padStart(2, '0')}:00+05:30`, ...(extra.feesPaise ? { feesPaise: extra.feesPaise } : {}) });
    expect(res.status).toBe(201);
  }

  beforeAll(async () => {
    ensureWebBuilt();
    t = await startTestApp();
    const base = await t.listen();
    trader = await t.createKey('trader', [], 'asha-desk');
    account = await openAccount(t, trader, 'Asha');
    strategy = await registerStrategy(t, trader, account, 'straddle');
    await fill('ITC', 'BUY', 100, 45_000, 1, { product: 'MIS' });
    await fill('ITC', 'SELL', 100, 46_000, 2, { product: 'MIS' });
    await fill('NIFTY 2026-11-24 26000 CE', 'SELL', 65, 20_000, 3, { product: 'NRML', strategyId: strategy, feesPaise: 2_000 });
    await fill('NIFTY 2026-11-24 26000 PE', 'SELL', 65, 18_000, 4, { product: 'NRML', strategyId: strategy, feesPaise: 2_000 });
    browser = await launchChromium();
    context = await newContext(browser, base);
    page = await context.newPage();
    errors = collectErrors(page);
    await page.goto('/');
    await page.fill('#api-key', trader.apiKey);
    await page.click('[data-testid="login-submit"]');
    await page.locator('[data-testid="nav-statement"]').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const el = (id: string) => page.locator(`[data-testid="${id}"]`);

  it('shows the daily statement with charges by kind and downloads the CSV exports', async () => {
    await page.click('[data-testid="nav-statement"]');
    await el('statement-from').fill('2026-11-20');
    await el('statement-to').fill('2026-11-20');
    await el('statement-day-2026-11-20').waitFor();
    const api = (await t.as(trader.token).get(`/api/accounts/${account}/statement?from=2026-11-20&to=2026-11-20`)).body;
    await shows(el('statement-total').locator('[data-testid="statement-net"]'), rupees(api.totals.netPaise));
    await screenshot(page, 'statement');

    for (const kind of ['fills', 'statement']) {
      const [download] = await Promise.all([page.waitForEvent('download'), el(`export-${kind}`).click()]);
      expect(download.suggestedFilename()).toBe(`${kind}-${account}-2026-11-20-2026-11-20.csv`);
      const text = fs.readFileSync((await download.path())!, 'utf8');
      const served = (await t.as(trader.token).get(`/api/accounts/${account}/exports/${kind}?from=2026-11-20&to=2026-11-20`)).text;
      expect(text).toBe(served);
    }
  });

  it('keeps an editable watchlist in the browser and quotes it', async () => {
    await page.click('[data-testid="nav-watchlist"]');
    await el('watch-row-NIFTY').waitFor();
    await el('watch-add').fill('itc');
    await el('watch-add-submit').click();
    await el('watch-row-ITC').waitFor();
    await el('watch-remove-TCS').click();
    await el('watch-row-TCS').waitFor({ state: 'detached' });
    await el('watch-add').fill('NOPE');
    await el('watch-add-submit').click();
    await expect(el('watch-problem').textContent()).resolves.toMatch(/NOPE/);
    await screenshot(page, 'watchlist');
    await page.reload();
    await el('watch-row-ITC').waitFor();
    expect(await el('watch-row-TCS').count()).toBe(0);
    expect(await el('watch-row-NOPE').count()).toBe(0);
  });

  it('shows the option chain with OI, IV and greeks per strike', async () => {
    await page.click('[data-testid="nav-option-chain"]');
    const chain = (await t.as(trader.token).get('/api/market/option-chain?underlying=NIFTY&strikes=8')).body;
    const atm = el(`chain-row-${chain.atmStrikePaise / 100}`);
    await atm.waitFor();
    const row = chain.rows.find((r: { strikePaise: number }) => r.strikePaise === chain.atmStrikePaise);
    await shows(atm.locator('[data-testid="call-iv"]'), `${(row.call.iv * 100).toFixed(1)}%`);
    await shows(atm.locator('[data-testid="put-oi"]'), new Intl.NumberFormat('en-IN').format(row.put.openInterest));
    await expect(el('chain-model').textContent()).resolves.toMatch(/Black-Scholes.*365/);
    await screenshot(page, 'option-chain');
  });

  it("shows the strategy's basket: P&L, max profit and loss, breakevens", async () => {
    await page.goto(`/#/strategies/${encodeURIComponent(strategy)}`);
    await shows(el('basket-max-profit').locator('.stat-value'), rupees(65 * 38_000 - 4_000));
    await shows(el('basket-max-loss').locator('.stat-value'), 'unlimited');
    await shows(el('basket-breakevens').locator('.stat-value'), `${rupees(2_600_000 - 37_938)}, ${rupees(2_600_000 + 37_938)}`);
    await el('basket-payoff').waitFor();
    await screenshot(page, 'strategy-basket');
    // the API's figures, shown: P&L at the market marks
    const basket = (await t.as(trader.token).get(`/api/strategies/${encodeURIComponent(strategy)}/basket`)).body;
    await shows(el('basket-pnl').locator('.stat-value'), rupees(basket.combined.totalNetPaise));
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
