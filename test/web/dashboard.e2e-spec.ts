import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { CLOCK, type Clock } from '@robo/runtime';
import { brokerKey, reportFill } from '../../apps/api/test/auth-fixtures';
import { startTestApp, type TestApp, type TestKey } from '../../apps/api/test/test-app';
import { chromiumMissing, collectErrors, launchChromium, newContext, SCREENSHOT_DIR, screenshot } from './browser';
import { ensureWebBuilt } from './web-build';
import { describeOrSkip } from '@robo/runtime/testing/skip';

/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core) against the api started in process
 * with a temporary DATA_DIR and a simulated clock inside market hours, serving the built bundle from web/dist.
 * One trading story, in order: sign in, open an account, place an order from the ticket, see it in the blotter,
 * have the API report a fill and watch positions and equity move without a reload, read the API's validation
 * messages next to the fields, travel back in time, read the audit trail, switch to dark mode; then a viewer.
 */
const missing = chromiumMissing();
const suite = describeOrSkip(missing);

jest.setTimeout(60_000);

/** Waits until the element's whole text is `text` (figures arrive asynchronously: never read them just once). */
async function shows(locator: Locator, text: string): Promise<void> {
  await locator.filter({ hasText: new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }).waitFor();
}

function rupees(paise: number): string {
  return `₹${new Intl.NumberFormat('en-IN').format(Math.floor(paise / 100))}.${String(paise % 100).padStart(2, '0')}`;
}

suite('dashboard (browser)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let trader: TestKey;
  let accountId: string;
  let orderId: string;

  beforeAll(async () => {
    ensureWebBuilt();
    t = await startTestApp();
    base = await t.listen();
    trader = await t.createKey('trader', [], 'asha-desk');
    browser = await launchChromium();
    context = await newContext(browser, base);
    page = await context.newPage();
    errors = collectErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    console.log(`dashboard screenshots in ${SCREENSHOT_DIR}`);
  });

  const view = (name: string) => page.locator(`[data-testid="${name}"]`);

  async function dismissAll() {
    const notices = page.locator('[data-testid="notification"]');
    while ((await notices.count()) > 0) await notices.first().locator('[data-testid="notification-dismiss"]').click();
  }

  async function goTo(nav: string) {
    await page.click(`[data-testid="nav-${nav}"]`);
    await view(nav).waitFor();
  }

  it('signs in with an API key and opens an account from the dashboard', async () => {
    await page.goto('/');
    await view('login-form').waitFor();
    await screenshot(page, 'login');

    await page.fill('#api-key', 'rtk_not-a-key');
    await page.click('[data-testid="login-submit"]');
    await expect(view('login-error').textContent()).resolves.toMatch(/\S/);

    await page.fill('#api-key', trader.apiKey);
    await page.click('[data-testid="login-submit"]');
    await shows(view('role'), 'trader');
    await view('no-account').waitFor();

    await page.click('[data-testid="account-open"]');
    await page.fill('#open-name', 'Asha');
    await page.fill('#open-cash', '1000000');
    await page.click('[data-testid="account-open-form"] button.btn-primary');
    await shows(page.locator('[data-testid="equity"] .stat-value'), '₹10,00,000.00');
    accountId = await page.locator('#account-select').inputValue();
    expect(accountId).toMatch(/^[0-9a-f-]{36}$/);

    const account = await t.as(trader.token).get(`/api/accounts/${accountId}`);
    expect(account.body).toMatchObject({ name: 'Asha', cashPaise: 100_000_000 });
    // The socket is connected, so what follows arrives through it.
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();
  });

  it('shows hints, not values, in the ticket, and one clear error per empty field', async () => {
    await goTo('orders');
    const before = await t.as(trader.token).get(`/api/orders?accountId=${accountId}`);
    // A hint names what goes in the field; it is set apart from typed text (muted, slanted).
    await expect(page.getAttribute('#instrument', 'placeholder')).resolves.toMatch(/^symbol, e\.g\. /);
    const quantityHint = (await page.getAttribute('#quantity', 'placeholder')) ?? '';
    expect(Number.isFinite(Number(quantityHint))).toBe(false);
    await expect(page.evaluate("getComputedStyle(document.querySelector('#quantity'), '::placeholder').fontStyle")).resolves.toBe('italic');

    await page.click('[data-testid="ticket-submit"]');
    await expect(view('error-instrument').textContent()).resolves.toBe('Enter an instrument');
    await expect(view('error-quantity').textContent()).resolves.toBe('Enter a quantity');
    await expect(view('error-limitPricePaise').textContent()).resolves.toBe('Enter a limit price');
    await expect(page.locator('[data-testid="order-ticket"] .field-error').count()).resolves.toBe(3);
    await screenshot(page, 'orders-ticket-empty');
    const after = await t.as(trader.token).get(`/api/orders?accountId=${accountId}`);
    expect(after.body.items).toEqual(before.body.items);

    // The price hint is the instrument's market price, not a made-up figure.
    await page.fill('#instrument', 'RELIANCE');
    await view('ticket-quote').waitFor();
    const quote = await t.as(trader.token).get('/api/market/quotes?symbols=RELIANCE');
    const last = quote.body.quotes[0].lastPaise as number;
    const hint = (await page.getAttribute('#limitPricePaise', 'placeholder')) ?? '';
    const hinted = Number(/^near (\d+\.\d\d)$/.exec(hint)?.[1]) * 100;
    expect(Math.abs(hinted - last) / last).toBeLessThan(0.05);
    await screenshot(page, 'orders-ticket-hints');
    await page.fill('#instrument', '');
  });

  it('places an order from the ticket and shows it in the blotter', async () => {
    await goTo('orders');
    await page.click('[data-testid="side-BUY"]');
    await page.fill('#instrument', 'RELIANCE');
    await page.fill('#quantity', '10');
    await page.selectOption('#type', 'LIMIT');
    await page.fill('#limitPricePaise', '2500.00');
    await page.selectOption('#product', 'CNC');
    await page.click('[data-testid="ticket-submit"]');

    const row = page.locator('[data-testid="blotter"] tbody tr', { hasText: 'RELIANCE' });
    await shows(row.locator('[data-testid="order-status"]'), 'OPEN');
    await expect(row.textContent()).resolves.toContain('₹2,500.00');
    // The time comes with its date, in IST (the app's clock is at 20 Nov 2026, 10:00 IST).
    await expect(row.locator('[data-testid="placed"]').textContent()).resolves.toMatch(/^20 Nov, 10:\d\d:\d\d$/);

    const orders = await t.as(trader.token).get(`/api/orders?accountId=${accountId}`);
    expect(orders.body.items).toHaveLength(1);
    expect(orders.body.items[0]).toMatchObject({ instrument: 'RELIANCE', side: 'BUY', quantity: 10, orderType: 'LIMIT', limitPricePaise: 250_000, product: 'CNC', status: 'OPEN' });
    orderId = orders.body.items[0].orderId;
    await screenshot(page, 'orders');
  });

  it("shows the API's validation messages next to the fields, and appends nothing", async () => {
    const before = await t.as(trader.token).get(`/api/orders?accountId=${accountId}`);

    // quantity 0: the DTO's validation (VALIDATION_FAILED, details by field)
    await page.fill('#instrument', 'INFY');
    await page.fill('#quantity', '0');
    await page.fill('#limitPricePaise', '1500.00');
    await page.click('[data-testid="ticket-submit"]');
    await expect(view('error-quantity').textContent()).resolves.toMatch(/quantity must not be less than 1/);

    // a LIMIT order without a price: shown at the limit price
    await page.fill('#quantity', '5');
    await page.fill('#limitPricePaise', '');
    await page.click('[data-testid="ticket-submit"]');
    await expect(view('error-limitPricePaise').textContent()).resolves.toMatch(/limit price/i);
    await expect(view('error-quantity').count()).resolves.toBe(0);
    await screenshot(page, 'orders-validation');

    const after = await t.as(trader.token).get(`/api/orders?accountId=${accountId}`);
    expect(after.body.items).toEqual(before.body.items);
  });

  it('shows a fill reported through the API in the blotter, positions and equity without a reload', async () => {
    await page.evaluate('window.notReloaded = true');
    const blotterRow = page.locator(`[data-testid="order-${orderId}"]`);

    const now = t.app.get<Clock>(CLOCK).now();
    const fill = await reportFill(t, orderId, { fillId: 'T-1', quantity: 10, pricePaise: 249_500, feesPaise: 1_000, occurredAt: now });
    expect(fill.status).toBe(201);
    await shows(blotterRow.locator('[data-testid="order-status"]'), 'FILLED');
    // The fill arrives as a notification from the live feed, and goes when dismissed.
    const notice = page.locator('[data-testid="notification"][data-kind="fill"]');
    await shows(notice.locator('.notice-text'), 'BUY 10 RELIANCE at ₹2,495.00');
    await screenshot(page, 'notification-fill');
    await notice.locator('[data-testid="notification-dismiss"]').click();
    await expect(page.locator('[data-testid="notification"]').count()).resolves.toBe(0);
    // Still on the live socket (no fallback polling): the change was pushed.
    await expect(page.locator('[data-testid="live-status"]').getAttribute('data-status')).resolves.toBe('live');

    await goTo('positions');
    const position = page.locator('[data-testid="position-RELIANCE"]');
    await shows(position.locator('[data-testid="qty"]'), '10');
    await expect(position.textContent()).resolves.toContain('₹2,495.00');
    await screenshot(page, 'positions');

    await goTo('overview');
    // cash 10,00,000 - 10 x 2,495.00 - fees 10.00 = 9,75,040.00; equity = cash + 10 x 2,495.00 = 9,99,990.00
    await shows(page.locator('[data-testid="cash"] .stat-value'), '₹9,75,040.00');
    await shows(page.locator('[data-testid="equity"] .stat-value'), '₹9,99,990.00');
    await shows(page.locator('[data-testid="open-positions"] .stat-value'), '1');

    // A second fill while the overview is on screen: the figures move by themselves.
    const sell = await t.as(trader.token).post('/api/orders').send({ accountId, instrument: 'RELIANCE', side: 'SELL', quantity: 4, type: 'MARKET', product: 'CNC', validity: 'DAY' });
    expect(sell.status).toBe(201);
    const sold = await reportFill(t, sell.body.orderId, { fillId: 'T-2', quantity: 4, pricePaise: 251_000, feesPaise: 500, occurredAt: t.app.get<Clock>(CLOCK).now() });
    expect(sold.status).toBe(201);
    const portfolio = await t.as(trader.token).get(`/api/accounts/${accountId}/portfolio?minPosition=${sold.body.globalPosition}`);
    const equity = portfolio.body.equityPaise as number;
    await shows(page.locator('[data-testid="equity"] .stat-value'), rupees(equity));
    await expect(page.locator('[data-testid="recent-fills"] tbody tr').count()).resolves.toBe(2);
    await expect(page.evaluate('window.notReloaded')).resolves.toBe(true);
    await screenshot(page, 'overview');

    // A filled market order shows what it was filled at, not "MKT".
    await goTo('orders');
    await expect(page.locator(`[data-testid="order-${sell.body.orderId}"]`).textContent()).resolves.toContain('avg ₹2,510.00');
    await expect(page.locator('[data-testid="blotter"]').textContent()).resolves.not.toContain('MKT');
    await dismissAll();
  });

  it('notifies a rejection and a halt from the live feed', async () => {
    await goTo('orders');
    const tooBig = await t.as(trader.token).post('/api/orders').send({ accountId, instrument: 'RELIANCE', side: 'BUY', quantity: 100_000, type: 'LIMIT', limitPricePaise: 250_000, product: 'CNC', validity: 'DAY' });
    expect(tooBig.status).toBe(422);
    const rejected = page.locator('[data-testid="notification"][data-kind="rejection"]');
    await expect(rejected.locator('.notice-text').textContent()).resolves.toMatch(/^BUY 1,00,000 RELIANCE: \S/);

    const halt = await t.api.post(`/api/accounts/${accountId}/halt`).send({ reason: 'risk desk review' });
    expect(halt.status).toBe(200);
    const halted = page.locator('[data-testid="notification"][data-kind="halt"]');
    await shows(halted.locator('.notice-text'), 'Asha: risk desk review');
    await screenshot(page, 'notifications');
    await halted.locator('[data-testid="notification-dismiss"]').click();
    await halted.waitFor({ state: 'detached' });
    await expect(rejected.count()).resolves.toBe(1);
    await dismissAll();
    expect((await t.api.post(`/api/accounts/${accountId}/resume`).send({})).status).toBe(200);
  });

  it('asks before cancelling, and closes the modify form of an order that stopped working', async () => {
    await goTo('orders');
    const place = (instrument: string, limitPricePaise: number) => t.as(trader.token).post('/api/orders').send({ accountId, instrument, side: 'BUY', quantity: 1, type: 'LIMIT', limitPricePaise, product: 'CNC', validity: 'DAY' });
    const first = await place('INFY', 140_000);
    expect(first.status).toBe(201);
    const row = page.locator(`[data-testid="order-${first.body.orderId}"]`);
    await shows(row.locator('[data-testid="order-status"]'), 'OPEN');

    await row.locator('[data-testid="cancel"]').click();
    await row.locator('[data-testid="confirm"]').waitFor();
    await screenshot(page, 'orders-confirm-cancel');
    await row.locator('[data-testid="confirm-no"]').click();
    await expect(row.locator('[data-testid="confirm"]').count()).resolves.toBe(0);
    await expect(t.as(trader.token).get(`/api/orders/${first.body.orderId}`).then((r) => r.body.status)).resolves.toBe('OPEN');
    await row.locator('[data-testid="cancel"]').click();
    await row.locator('[data-testid="confirm-yes"]').click();
    await shows(row.locator('[data-testid="order-status"]'), 'CANCELLED');

    const second = await place('TCS', 350_000);
    expect(second.status).toBe(201);
    const other = page.locator(`[data-testid="order-${second.body.orderId}"]`);
    await shows(other.locator('[data-testid="order-status"]'), 'OPEN');
    await other.locator('[data-testid="modify"]').click();
    await view('modify-form').waitFor();
    // Cancelled elsewhere (another tab, the CLI): the form goes with the order's working state.
    expect((await t.as(trader.token).post(`/api/orders/${second.body.orderId}/cancel`).send({})).status).toBe(200);
    await shows(other.locator('[data-testid="order-status"]'), 'CANCELLED');
    await view('modify-form').waitFor({ state: 'detached' });
  });

  it('keeps modify and cancel in view for long option symbols at 1366 px and at tablet width', async () => {
    const chain = await t.as(trader.token).get('/api/market/option-chain?underlying=BANKNIFTY');
    expect(chain.status).toBe(200);
    const leg = chain.body.rows[chain.body.rows.length - 1].call;
    const option = await t.as(trader.token).post('/api/orders').send({ accountId, instrument: leg.symbol, side: 'BUY', quantity: chain.body.lotSize, type: 'LIMIT', limitPricePaise: leg.premiumPaise, product: 'NRML', validity: 'DAY' });
    expect(option.status).toBe(201);
    await goTo('orders');
    const row = page.locator(`[data-testid="order-${option.body.orderId}"]`);
    await shows(row.locator('[data-testid="order-status"]'), 'OPEN');
    for (const [width, height] of [
      [1366, 768],
      [1024, 768],
      [820, 1180],
    ]) {
      await page.setViewportSize({ width, height });
      const wrap = await page.locator('[data-testid="blotter"]').locator('xpath=..').boundingBox();
      for (const control of ['modify', 'cancel']) {
        const box = await row.locator(`[data-testid="${control}"]`).boundingBox();
        expect(box).not.toBeNull();
        // Inside the window and inside the table's own (scrolling) box: nothing to scroll to reach it.
        expect(box!.x).toBeGreaterThanOrEqual(0);
        expect(box!.x + box!.width).toBeLessThanOrEqual(width);
        expect(box!.x).toBeGreaterThanOrEqual(wrap!.x);
        expect(box!.x + box!.width).toBeLessThanOrEqual(wrap!.x + wrap!.width + 0.5);
      }
      // The status is beside the actions, not under them.
      const status = await row.locator('[data-testid="order-status"]').boundingBox();
      const actions = await row.locator('td.actions').boundingBox();
      expect(status!.x + status!.width).toBeLessThanOrEqual(actions!.x + 0.5);
      await screenshot(page, `orders-option-${width}`);
    }
    await page.setViewportSize({ width: 1366, height: 768 });
  });

  it('shows an earlier portfolio on the time-travel slider', async () => {
    await goTo('time-travel');
    const asOf = await t.as(trader.token).get(`/api/accounts/${accountId}/portfolio?asOf=${encodeURIComponent(new Date().toISOString())}&time=business`);
    expect(asOf.status).toBe(200);
    await expect(page.locator('[data-testid="tt-positions"]').textContent()).resolves.toContain('RELIANCE');
    await page.click('[data-testid="tt-first"]');
    await shows(page.locator('[data-testid="tt-cash"] .stat-value'), '₹10,00,000.00');
    await expect(page.locator('[data-testid="tt-positions"]').count()).resolves.toBe(0);
    await page.click('[data-testid="tt-next"]');
    await page.click('[data-testid="tt-compare"]');
    await page.locator('[data-testid="tt-changes"]').waitFor();
    await screenshot(page, 'time-travel');
  });

  it('shows the audit trail with event detail and the causal tree', async () => {
    await goTo('audit');
    const rows = page.locator('[data-testid="audit-row"]');
    await rows.first().waitFor();
    const trail = await t.as(trader.token).get(`/api/audit?accountId=${accountId}&limit=50`);
    await expect(rows.count()).resolves.toBe(trail.body.items.length);
    const filled = rows.filter({ hasText: 'OrderFilled' }).first();
    await filled.click();
    await expect(view('event-detail').textContent()).resolves.toContain(`order-${orderId}`);
    // Executions come from the broker's feed, so the fill's actor is the broker key, not the trader's.
    await expect(view('event-detail').textContent()).resolves.toContain(`key:${(await brokerKey(t)).kid}`);
    await page.click('[data-testid="show-tree"]');
    await view('causal-tree').waitFor();
    // The fill caused the position change and the cash settlement: both hang below it.
    await expect(view('causal-tree').textContent()).resolves.toMatch(/OrderFilled[\s\S]*CashSettled/);
    await screenshot(page, 'audit');
  });

  it('draws the equity curve and lists the strategies', async () => {
    await goTo('overview');
    const performance = await t.as(trader.token).get(`/api/accounts/${accountId}/performance`);
    expect(performance.status).toBe(200);
    await page.locator('[aria-label^="Equity by trading day"] canvas').first().waitFor();
    // One trading day: the axis has round steps, rupees with Indian grouping, one number of decimals.
    const chart = page.locator('[aria-label^="Equity by trading day"]');
    await page.locator('[aria-label^="Equity by trading day"][data-axis-labels]').waitFor();
    const labels = JSON.parse((await chart.getAttribute('data-axis-labels')) ?? '[]') as string[];
    expect(labels.length).toBeGreaterThanOrEqual(2);
    for (const label of labels) expect(label).toMatch(/^₹\d{1,2}(,\d\d)*,\d{3}$/);
    const values = labels.map((l) => Number(l.replace(/[₹,]/g, ''))).sort((a, b) => a - b);
    const steps = new Set(values.slice(1).map((v, i) => v - values[i]));
    expect(steps.size).toBe(1);
    expect(String([...steps][0])).toMatch(/^(1|2|25|4|5)0*$/);
    await screenshot(page, 'overview-chart');
    await goTo('strategies');
    const strategies = await t.as(trader.token).get('/api/strategies');
    expect(strategies.status).toBe(200);
    const list = Array.isArray(strategies.body) ? strategies.body : strategies.body.items;
    if (list.length === 0) await page.getByText('No strategies registered.').waitFor();
    else await page.getByRole('link', { name: list[0].name ?? list[0].strategyId }).waitFor();
    await screenshot(page, 'strategies');
  });

  it('renders the other views without errors, in dark mode and at tablet width', async () => {

    await page.click('[data-testid="theme-toggle"]');
    await page.locator('html[data-theme="dark"]').waitFor({ state: 'attached' });
    await goTo('overview');
    await page.locator('[data-testid="equity"]').waitFor();
    await screenshot(page, 'overview-dark');
    await goTo('orders');
    await screenshot(page, 'orders-dark');

    await page.setViewportSize({ width: 1024, height: 768 });
    await goTo('overview');
    await screenshot(page, 'overview-1024-dark');
    await goTo('orders');
    await screenshot(page, 'orders-1024-dark');
    await page.click('[data-testid="theme-toggle"]');
    await page.locator('html[data-theme="light"]').waitFor({ state: 'attached' });
    await goTo('positions');
    await screenshot(page, 'positions-1024');
    await goTo('audit');
    await page.locator('[data-testid="audit-row"]').first().waitFor();
    await screenshot(page, 'audit-1024');
    await page.setViewportSize({ width: 1366, height: 768 });

    // Failed requests (a 404 for a view the server lacks) log console errors too; uncaught errors never may.
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
  });

  it('opens an admin on an account it can see, and shows projection status and a rebuild result', async () => {
    const adminContext = await newContext(browser, base);
    const admin = await adminContext.newPage();
    try {
      await admin.goto('/');
      await admin.fill('#api-key', t.admin.apiKey);
      await admin.click('[data-testid="login-submit"]');
      await shows(admin.locator('[data-testid="role"]'), 'admin');
      // An admin is granted no account but sees them all: the dashboard opens on the only one, with no id to type.
      // (A server without GET /api/accounts leaves adding it by its id.)
      if ((await t.api.get('/api/accounts')).status === 200) {
        await admin.locator('[data-testid="equity"]').waitFor();
        await expect(admin.locator('#account-select').inputValue()).resolves.toBe(accountId);
        await expect(admin.locator('[data-testid="account-add"]').count()).resolves.toBe(0);
      } else {
        await admin.click('[data-testid="account-add"]');
        await admin.fill('#account-id-input', accountId);
        await admin.click('[data-testid="account-add-form"] button.btn-primary');
        await admin.locator('[data-testid="equity"]').waitFor();
      }

      await admin.click('[data-testid="nav-operations"]');
      const rows = admin.locator('[data-testid="projections-table"] tbody tr');
      await rows.first().waitFor();
      const status = await t.api.get('/api/projections');
      await expect(rows.count()).resolves.toBe(status.body.projections.length);
      // The settlement reactor is listed apart, with no rebuild button.
      await expect(admin.locator('[data-testid="reactors-table"] tbody tr').allTextContents()).resolves.toEqual([expect.stringMatching(/^reactor\.settlement\d+/)]);
      await rows.filter({ hasText: /^orders/ }).getByRole('button', { name: 'Rebuild' }).click();
      await expect(admin.locator('[data-testid="rebuild-result"]').textContent()).resolves.toMatch(/checkpoint: \d+/);
      await screenshot(admin, 'operations');
    } finally {
      await adminContext.close();
    }
  });

  it('keeps the last figures and marks them stale when the live connection drops', async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await goTo('overview');
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();
    await context.setOffline(true);
    await page.locator('[data-testid="live-status"][data-status="stale"]').waitFor({ timeout: 30_000 });
    await expect(view('stale').count()).resolves.toBe(1);
    await expect(page.locator('[data-testid="equity"] .stat-value').textContent()).resolves.toMatch(/^₹/);
    await screenshot(page, 'overview-stale');
    await context.setOffline(false);
    await page.locator('[data-testid="live-status"][data-status="live"]').waitFor({ timeout: 30_000 });
    await expect(view('stale').count()).resolves.toBe(0);
  });

  it('does not show the order ticket or trading buttons to a viewer', async () => {
    const viewer = await t.createKey('viewer', [accountId], 'auditor-of-asha');
    const viewerContext = await newContext(browser, base);
    const viewerPage = await viewerContext.newPage();
    try {
      await viewerPage.goto('/');
      await viewerPage.fill('#api-key', viewer.apiKey);
      await viewerPage.click('[data-testid="login-submit"]');
      await shows(viewerPage.locator('[data-testid="role"]'), 'viewer');
      // The account granted to the key is offered without typing its id.
      await viewerPage.locator('[data-testid="equity"]').waitFor();
      await expect(viewerPage.locator('#account-select').inputValue()).resolves.toBe(accountId);

      await viewerPage.click('[data-testid="nav-orders"]');
      await viewerPage.locator('[data-testid="blotter"]').waitFor();
      await expect(viewerPage.locator('[data-testid="order-ticket"]').count()).resolves.toBe(0);
      await expect(viewerPage.locator('[data-testid="cancel"]').count()).resolves.toBe(0);
      await viewerPage.click('[data-testid="nav-positions"]');
      await viewerPage.locator('[data-testid="position-RELIANCE"]').waitFor();
      await expect(viewerPage.locator('[data-testid^="close-"]').count()).resolves.toBe(0);
      await expect(viewerPage.locator('[data-testid="nav-operations"]').count()).resolves.toBe(0);
      await expect(viewerPage.locator('[data-testid="account-open"]').count()).resolves.toBe(0);
      await viewerPage.click('[data-testid="nav-orders"]');
      await screenshot(viewerPage, 'orders-viewer');
    } finally {
      await viewerContext.close();
    }
  });
});
