import type { Browser, Page } from 'playwright-core';
import { accountStream } from '@robo/domain';
import { robo, workbench } from '../../apps/api/test/backtest-fixtures';
import { startPaperApp } from '../../apps/api/test/paper-fixtures';
import type { TestApp } from '../../apps/api/test/test-app';
import { describeOrSkip } from '@robo/runtime/testing/skip';
import { chromiumMissing, launchChromium, newContext, screenshot } from './browser';
import { ensureWebBuilt } from './web-build';

/**
 * The Backtests view in a real browser, on two runs of the hold-bars module over the same five INFY bars: the list,
 * two equity curves overlaid, the drawdown and the trade list of a run, and the audit, time-travel and lineage views
 * opened on a run's own log. Every expected figure is read from the run endpoints, not written here.
 */
const missing = chromiumMissing();
const suite = describeOrSkip(missing);
jest.setTimeout(120_000);

type Run = { runId: string; hash: string };

/** The dashboard's money text: ₹1,520.00, with a + or - sign when asked. */
function rupees(paise: number, sign = false): string {
  const whole = Math.round(paise);
  const abs = Math.abs(whole);
  const text = `₹${new Intl.NumberFormat('en-IN').format(Math.floor(abs / 100))}.${String(abs % 100).padStart(2, '0')}`;
  return whole < 0 ? `-${text}` : sign && whole > 0 ? `+${text}` : text;
}

/** HH:MM:SS of an instant in IST. */
const istClock = (iso: string): string => new Date(Date.parse(iso) + 330 * 60_000).toISOString().slice(11, 19);

suite('the backtest runs in the dashboard (browser)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  const runs: Run[] = [];

  beforeAll(async () => {
    ensureWebBuilt();
    const bench = workbench('robo-backtests-view-');
    runs.push(JSON.parse(await robo(bench.env, ['backtest', 'run', 'hold-bars', '--params', '{"instrument":"INFY","quantity":10,"holdBars":2}', ...bench.csvOptions])));
    runs.push(JSON.parse(await robo(bench.env, ['backtest', 'run', 'hold-bars', '--params', '{"instrument":"INFY","quantity":20,"holdBars":1}', ...bench.csvOptions])));
    t = await startPaperApp(bench.env);
    base = await t.listen();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function signIn(): Promise<{ page: Page; errors: string[]; close(): Promise<void> }> {
    const context = await newContext(browser, base);
    const page = await context.newPage();
    // Uncaught page errors, and any failed call of the run endpoints.
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400 && new URL(r.url()).pathname.startsWith('/api/backtests')) errors.push(`${r.status()} ${r.url()}`);
    });
    await page.goto('/');
    await page.fill('#api-key', t.admin.apiKey);
    await page.click('[data-testid="login-submit"]');
    await page.locator('[data-testid="role"]').waitFor();
    return { page, errors, close: () => context.close() };
  }

  it('lists both runs, overlays their equity curves, and shows a run drawdown and its hand-known trade', async () => {
    const { page, errors, close } = await signIn();
    try {
      await page.click('[data-testid="nav-backtests"]');
      const rows = page.locator('[data-testid="backtest-run"]');
      await rows.nth(1).waitFor();
      await expect(rows.count()).resolves.toBe(2);
      const listed = (await t.api.get('/api/backtests')).body.items as { runId: string; hash: string; parameters: object; statistics: { tradeCount: number } }[];
      for (const [i, run] of runs.entries()) {
        const row = page.locator(`[data-testid="backtest-run"][data-run-id="${run.runId}"]`);
        await expect(row.locator('[data-testid="run-hash"]').getAttribute('data-value')).resolves.toBe(run.hash);
        await expect(row.locator('[data-testid="run-parameters"]').textContent()).resolves.toBe(JSON.stringify(listed[i].parameters));
        await expect(row.locator('[data-testid="run-data"]').textContent()).resolves.toBe('CSV INFY, 5 bars');
        await expect(row.locator('[data-testid="run-tradeCount"]').textContent()).resolves.toBe(String(listed[i].statistics.tradeCount));
      }

      // The latest run is drawn; ticking the other overlays its curve on the same chart.
      const chart = page.locator('[data-testid="overlay-chart"]');
      await page.locator('[data-testid="overlay-chart"][data-series="1"]').waitFor();
      await page.locator(`[data-testid="backtest-run"][data-run-id="${runs[0].runId}"] [data-testid="overlay-toggle"]`).check();
      await page.locator('[data-testid="overlay-chart"][data-series="2"]').waitFor();
      await expect(page.locator('[data-testid="legend-item"]').evaluateAll((items) => items.map((i) => i.getAttribute('data-run-id')))).resolves.toEqual([runs[1].runId, runs[0].runId]);
      // Normalised to the start capital (percent), then in rupees.
      await page.locator('[data-testid="overlay-chart"][data-axis-labels*="%"]').waitFor();
      await page.click('[data-testid="equity-scale-rupees"]');
      await page.locator('[data-testid="overlay-chart"][data-axis-labels*="₹"]').waitFor();
      await expect(chart.getAttribute('data-series')).resolves.toBe('2');

      // The first run (10 INFY held two bars): its drawdown chart and its one round trip.
      await page.locator(`[data-testid="backtest-run"][data-run-id="${runs[0].runId}"] [data-testid="select-run"]`).click();
      await page.locator(`[data-testid="run-detail"][data-run-id="${runs[0].runId}"] [data-testid="run-drawdown"] .chart[data-series="1"]`).waitFor();
      const trades = (await t.api.get(`/api/backtests/${runs[0].runId}/trades`)).body.items as {
        openedAt: string;
        closedAt: string;
        entryQuantity: number;
        entryAveragePricePaise: number;
        exitAveragePricePaise: number;
        realizedGrossPaise: number;
        feesPaise: number;
        realizedNetPaise: number;
      }[];
      expect(trades).toHaveLength(1);
      const [trade] = trades;
      const row = page.locator('[data-testid="run-trade"]');
      await row.first().waitFor();
      await expect(row.count()).resolves.toBe(1);
      const cell = (id: string) => row.locator(`[data-testid="${id}"]`).textContent();
      await expect(cell('trade-quantity')).resolves.toBe(String(trade.entryQuantity));
      await expect(cell('trade-entry-price')).resolves.toBe(rupees(trade.entryAveragePricePaise));
      await expect(cell('trade-exit-price')).resolves.toBe(rupees(trade.exitAveragePricePaise));
      await expect(cell('trade-gross')).resolves.toBe(rupees(trade.realizedGrossPaise, true));
      await expect(cell('trade-fees')).resolves.toBe(rupees(trade.feesPaise));
      await expect(cell('trade-net')).resolves.toBe(rupees(trade.realizedNetPaise, true));
      await expect(cell('trade-entry-time')).resolves.toMatch(new RegExp(`${istClock(trade.openedAt)} IST$`));
      await expect(cell('trade-exit-time')).resolves.toMatch(new RegExp(`${istClock(trade.closedAt)} IST$`));
      await screenshot(page, 'backtests');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it("opens the audit, time-travel and lineage views on a run's log, with a banner and a way back to live", async () => {
    const { page, errors, close } = await signIn();
    const run = runs[1];
    try {
      await page.goto('/#/backtests');
      await page.locator(`[data-testid="backtest-run"][data-run-id="${run.runId}"] [data-testid="run-audit"]`).click();
      const banner = page.locator('[data-testid="run-banner"]');
      await banner.waitFor();
      await expect(banner.getAttribute('data-run-id')).resolves.toBe(run.runId);
      await expect(banner.locator('[data-testid="run-banner-hash"]').getAttribute('data-value')).resolves.toBe(run.hash);
      // The trail is the run's: the positions and types of its own audit answer, fills included.
      const trail = (await t.api.get(`/api/backtests/${run.runId}/audit?limit=50`)).body.items as { position: number; type: string }[];
      expect(trail.filter((e) => e.type === 'OrderFilled')).toHaveLength(2);
      const rows = page.locator('[data-testid="audit-row"]');
      await rows.nth(trail.length - 1).waitFor();
      await expect(rows.count()).resolves.toBe(trail.length);
      await expect(rows.evaluateAll((trs) => trs.map((tr) => Number(tr.querySelector('td')?.textContent)))).resolves.toEqual(trail.map((e) => e.position));
      // An event's detail is read from the run's stream.
      await rows.filter({ hasText: 'OrderFilled' }).first().click();
      await page.locator('[data-testid="event-detail"]').filter({ hasText: 'OrderFilled' }).waitFor();
      // Its causal tree, from the run's log: the command that placed the order and the fill among its events.
      await page.click('[data-testid="show-tree"]');
      const tree = page.locator('[data-testid="causal-tree"]');
      await tree.waitFor();
      await tree.locator('.tree-type').filter({ hasText: /^OrderFilled$/ }).first().waitFor();

      await page.click('[data-testid="back-to-live"]');
      await page.locator('[data-testid="audit-table"], [data-testid="audit"] .state-empty').first().waitFor();
      await expect(banner.count()).resolves.toBe(0);
      expect(new URL(page.url()).hash).not.toContain('run=');

      // Time travel over the run's account: the first instant has the start capital, the latest the cash after the
      // last change of the account, both rebuilt by the run endpoints.
      const end = (await t.api.get(`/api/backtests/${run.runId}/portfolio`)).body as { accountId: string };
      const [last] = (await t.api.get(`/api/backtests/${run.runId}/streams/${accountStream(end.accountId)}/events?direction=backwards&limit=1`)).body.events as { metadata: { occurredAt: string } }[];
      const atLast = (await t.api.get(`/api/backtests/${run.runId}/portfolio?asOf=${encodeURIComponent(last.metadata.occurredAt)}&time=business`)).body as { cashPaise: number };
      const capital = (await t.api.get(`/api/backtests/${run.runId}`)).body.capitalPaise as number;
      await page.goto(`/#/time-travel?run=${run.runId}`);
      await banner.waitFor();
      await page.locator('[data-testid="tt-cash"]').filter({ hasText: rupees(atLast.cashPaise) }).waitFor();
      await page.click('[data-testid="tt-first"]');
      await page.locator('[data-testid="tt-cash"]').filter({ hasText: rupees(capital) }).waitFor();

      // Lineage of the run's cash.
      const cash = (await t.api.get(`/api/backtests/${run.runId}/lineage?figure=cash`)).body as { value: number; contributions: unknown[] };
      await page.goto('/#/backtests');
      await page.locator(`[data-testid="backtest-run"][data-run-id="${run.runId}"] [data-testid="run-lineage"]`).click();
      const lineage = page.locator('[data-testid="lineage"]');
      await lineage.locator('strong').filter({ hasText: rupees(cash.value) }).waitFor();
      await lineage.filter({ hasText: `= the sum of ${cash.contributions.length} events` }).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
