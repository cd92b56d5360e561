import type { Browser, Locator, Page } from 'playwright-core';
import { CLOCK, type Clock } from '@robo/runtime';
import { demoIds } from '../../apps/api/src/demo/demo.service';
import { OrderPlacer } from '../../apps/api/src/paper/order-placer';
import { reportFill } from '../../apps/api/test/auth-fixtures';
import { startPaperApp, storeOf } from '../../apps/api/test/paper-fixtures';
import type { TestApp, TestKey } from '../../apps/api/test/test-app';
import { chromiumMissing, collectErrors, launchChromium, newContext, screenshot } from './browser';
import { ensureWebBuilt } from './web-build';
import { describeOrSkip } from '@robo/runtime/testing/skip';

/**
 * The demo as a new user meets it, in a real browser: the account picker opens on the demo account; a strategy's
 * orders (placed the way the strategy runner places them) show in the strategy list and detail with every figure
 * labelled and every missing one explained, and the causal tree names their command; the analyst panel, off here,
 * says so once.
 */
const missing = chromiumMissing();
const suite = describeOrSkip(missing);
jest.setTimeout(90_000);

const SEED = 'web-views';
const ids = demoIds(SEED);

async function shows(locator: Locator, text: string): Promise<void> {
  await locator.filter({ hasText: new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }).waitFor();
}

function rupees(paise: number): string {
  const abs = Math.abs(paise);
  const text = `₹${new Intl.NumberFormat('en-IN').format(Math.floor(abs / 100))}.${String(abs % 100).padStart(2, '0')}`;
  return paise < 0 ? `-${text}` : paise > 0 ? `+${text}` : text;
}

suite('the demo in the dashboard (browser)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let trader: TestKey;
  let strategyOrderId: string;
  let accountsListed: boolean;

  beforeAll(async () => {
    ensureWebBuilt();
    t = await startPaperApp({ DEMO: 'true', MARKET_SEED: SEED });
    base = await t.listen();
    trader = await t.createKey('trader', [ids.accountId], 'demo-desk');
    accountsListed = (await t.api.get('/api/accounts')).status === 200;
    if (!accountsListed) console.warn('Skipping the account list checks: this server has no GET /api/accounts');

    // Two orders of the moving-average strategy, placed as its runner places them (actor strategy:<id>, no
    // causing command), filled by the broker: one closed trade.
    const placer = t.app.get(OrderPlacer);
    const actor = `strategy:${ids.maStrategyId}`;
    const now = () => t.app.get<Clock>(CLOCK).now();
    const legs = [
      { side: 'BUY' as const, clientOrderId: 'web-ma-1', pricePaise: 150_000 },
      { side: 'SELL' as const, clientOrderId: 'web-ma-2', pricePaise: 151_000 },
    ];
    for (const leg of legs) {
      const result = await placer.place(
        {
          kind: 'PLACE',
          clientOrderId: leg.clientOrderId,
          accountId: ids.accountId,
          instrument: 'INFY',
          side: leg.side,
          quantity: 10,
          orderType: 'MARKET',
          limitPricePaise: null,
          triggerPricePaise: null,
          product: 'MIS',
          validity: 'DAY',
          strategyId: ids.maStrategyId,
          reason: 'fast average crossed the slow one',
        },
        { correlationId: `web-signal-${leg.clientOrderId}`, causationId: null, actor },
      );
      expect(result).not.toBeNull();
      const orders = await t.api.get(`/api/orders?accountId=${ids.accountId}&minPosition=${await storeOf(t).headPosition()}`);
      const order = orders.body.items.find((o: { clientOrderId: string | null }) => o.clientOrderId === leg.clientOrderId);
      strategyOrderId ??= order.orderId;
      const fill = await reportFill(t, order.orderId, { fillId: `F-${leg.clientOrderId}`, quantity: 10, pricePaise: leg.pricePaise, feesPaise: 2_000, occurredAt: now() });
      expect(fill.status).toBe(201);
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function signIn(apiKey: string): Promise<{ page: Page; errors: string[]; close(): Promise<void> }> {
    const context = await newContext(browser, base);
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto('/');
    await page.fill('#api-key', apiKey);
    await page.click('[data-testid="login-submit"]');
    await page.locator('[data-testid="role"]').waitFor();
    return { page, errors, close: () => context.close() };
  }

  it('opens on the demo account at first sign-in, and finds accounts by name', async () => {
    if (!accountsListed) return;
    const admin = await signIn(t.admin.apiKey);
    try {
      const { page } = admin;
      // An admin is granted no account, yet sees them all: the demo one is opened.
      await page.locator('[data-testid="equity"]').waitFor();
      await expect(page.locator('#account-select').inputValue()).resolves.toBe(ids.accountId);
      await expect(page.locator('#account-select option:checked').textContent()).resolves.toMatch(/^Demo paper account/);
      await expect(page.locator('[data-testid="account-add"]').count()).resolves.toBe(0);

      const other = await t.api.post('/api/accounts').send({ name: 'Zoya swing book', initialCashPaise: 50_000_000 });
      expect(other.status).toBe(201);
      await page.click('[data-testid="account-find"]');
      await page.fill('#account-search', 'zoya');
      const result = page.locator('[data-testid="account-result"]');
      await shows(result.locator('span').first(), 'Zoya swing book');
      await expect(result.count()).resolves.toBe(1);
      await screenshot(page, 'account-find');
      await result.click();
      await expect(page.locator('#account-select').inputValue()).resolves.toBe(other.body.accountId);
      await shows(page.locator('[data-testid="equity"] .stat-value'), '₹5,00,000.00');
      // Both are in the picker now, by name.
      const names = await page.locator('#account-select option').allTextContents();
      expect(names.some((n) => n.startsWith('Demo paper account'))).toBe(true);
      expect(names.some((n) => n.startsWith('Zoya swing book'))).toBe(true);
      // No request of the picker failed (the list used to answer 404 on every load), and no script did.
      expect(admin.errors.filter((e) => e.startsWith('pageerror') || /status of 404/.test(e))).toEqual([]);
    } finally {
      await admin.close();
    }
  });

  it("shows the strategies' statistics in the list, and in the detail labels, trades, parameters, account and reasons", async () => {
    const { page, errors, close } = await signIn(trader.apiKey);
    try {
      await page.locator('[data-testid="equity"]').waitFor();
      await page.click('[data-testid="nav-strategies"]');
      const performance = await t.as(trader.token).get(`/api/strategies/${ids.maStrategyId}/performance`);
      expect(performance.status).toBe(200);
      const statistics = performance.body.statistics;
      expect(statistics.tradeCount).toBe(1);
      const row = page.locator('tr', { has: page.getByRole('link', { name: 'INFY SMA 5/20 crossover' }) });
      await shows(row.locator('[data-testid="strategy-tradeCount"]'), '1');
      await shows(row.locator('[data-testid="strategy-netPnlPaise"]'), rupees(statistics.netPnlPaise).replace(/^\+/, ''));
      await expect(row.locator('[data-testid="strategy-winRate"]').textContent()).resolves.toBe('100.00%');
      await screenshot(page, 'strategies-list');

      await row.getByRole('link', { name: 'INFY SMA 5/20 crossover' }).click();
      await page.locator('[data-testid="strategy-detail"]').waitFor();
      const table = page.locator('[data-testid="statistics"]');
      await table.waitFor();
      const text = (await table.textContent()) ?? '';
      expect(text).toContain('Net deposits and withdrawals');
      expect(text).toContain('Risk-free rate (annual)');
      for (const raw of ['netFlowsPaise', 'riskFreeRate', 'Paise']) expect(text).not.toContain(raw);
      // Every "—" says why.
      const dashes = page.locator('[data-testid="strategy-detail"] [data-testid="missing"]');
      expect(await dashes.count()).toBeGreaterThan(0);
      for (const reason of await dashes.evaluateAll((els) => els.map((e) => e.getAttribute('data-reason')))) expect(reason).toMatch(/\S/);
      if (performance.body.notes.length > 0) await expect(page.locator('[data-testid="performance-notes"] li').count()).resolves.toBe(performance.body.notes.length);
      // Column titles in whole words.
      await expect(page.locator('[data-testid="by-instrument"] thead').textContent()).resolves.not.toMatch(/Max DD/);

      await expect(page.locator('[data-testid="trades"] tbody tr').count()).resolves.toBe(performance.body.trades.length);
      await expect(page.locator('[data-testid="trades"] tbody tr').first().textContent()).resolves.toContain('INFY');
      await expect(page.locator('[data-testid="strategy-parameters"]').textContent()).resolves.toMatch(/Fast period\s*5/);
      await expect(page.locator('[data-testid="strategy-account"]').textContent()).resolves.toContain('Demo paper account');
      await page.setViewportSize({ width: 1366, height: 1400 });
      await screenshot(page, 'strategy-detail');
      await page.setViewportSize({ width: 1366, height: 768 });
      expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    } finally {
      await close();
    }
  });

  it("names the command at the root of a strategy order's causal tree", async () => {
    const { page, close } = await signIn(trader.apiKey);
    try {
      await page.locator('[data-testid="equity"]').waitFor();
      await page.goto(`/#/audit?stream=order-${strategyOrderId}`);
      const placed = page.locator('[data-testid="audit-row"]', { hasText: 'OrderPlaced' }).first();
      await placed.click();
      await page.click('[data-testid="show-tree"]');
      const head = page.locator('[data-testid="causal-tree"] [data-testid="tree-command"]').first();
      await head.waitFor();
      await expect(head.textContent()).resolves.toMatch(/^PlaceOrder from a signal of strategy INFY SMA 5\/20 crossover$/);
      await expect(page.locator('[data-testid="causal-tree"]').textContent()).resolves.not.toContain('unknown');
      await screenshot(page, 'causal-tree-strategy');
    } finally {
      await close();
    }
  });

  it('says once that the analyst is disabled, and how to enable it', async () => {
    const { page, close } = await signIn(trader.apiKey);
    try {
      await page.click('[data-testid="nav-analyst"]');
      const panel = page.locator('[data-testid="analyst"]');
      await page.locator('[data-testid="analyst-disabled"]').waitFor();
      const text = (await panel.textContent()) ?? '';
      expect(text.match(/disabled/gi)).toHaveLength(1);
      expect(text).toMatch(/To enable it, set ANTHROPIC_API_KEY/);
      await screenshot(page, 'analyst-disabled');
    } finally {
      await close();
    }
  });
});
