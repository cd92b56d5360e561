import type { Browser, Page } from 'playwright-core';
import { PROMPT_VERSION, TOOL_NAMES, TOOLS_VERSION } from '@robo/analyst';
import { MessagesApiServer, type ContentBlockParam } from '@robo/analyst/testing/messages-api-server';
import { openAccount } from '../../apps/api/test/auth-fixtures';
import { startTestApp, type TestApp, type TestKey } from '../../apps/api/test/test-app';
import { chromiumMissing, collectErrors, launchChromium, newContext, screenshot } from './browser';
import { ensureWebBuilt } from './web-build';
import { describeOrSkip } from '@robo/runtime/testing/skip';

/**
 * "Ask the analyst" in a real browser: the answer streams in, its citation links into the audit view, and the
 * trader approves the analyst's proposal, which places one order through the api.
 */
const missing = chromiumMissing();
const suite = describeOrSkip(missing);
jest.setTimeout(60_000);

const API_KEY = 'sk-ant-test-local-only';
const MODEL = 'claude-web-model';
const ENV = { ANTHROPIC_API_KEY: API_KEY, ANALYST_MODEL: MODEL, ANALYST_MAX_RETRIES: '0' };

suite('analyst panel (browser)', () => {
  let server: MessagesApiServer;
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let trader: TestKey;
  let accountId: string;

  beforeAll(async () => {
    ensureWebBuilt();
    server = await MessagesApiServer.start({ apiKey: API_KEY, model: MODEL, systemIncludes: [PROMPT_VERSION, TOOLS_VERSION], toolNames: TOOL_NAMES });
    t = await startTestApp({ ...ENV, ANTHROPIC_BASE_URL: server.url });
    const base = await t.listen();
    trader = await t.createKey('trader', [], 'analyst-desk');
    accountId = await openAccount(t, trader, 'Asha');
    browser = await launchChromium();
    page = await (await newContext(browser, base)).newPage();
    errors = collectErrors(page);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await server?.close();
  });

  it('streams an answer with a linked citation, and approves the proposal into one order', async () => {
    server.use((req, index) => {
      if (index === 0) {
        return {
          kind: 'message',
          content: [
            { type: 'tool_use', id: 'toolu_pf', name: 'get_portfolio', input: { accountId } },
            {
              type: 'tool_use',
              id: 'toolu_prop',
              name: 'propose_order',
              input: { accountId, instrument: 'ITC', side: 'BUY', quantity: 5, type: 'LIMIT', limitPricePaise: 45_000, product: 'CNC', validity: 'DAY', rationale: 'Cash is idle' },
            },
          ],
          stopReason: 'tool_use',
        };
      }
      const last = req.body.messages[req.body.messages.length - 1].content as ContentBlockParam[];
      const position = /"lastEventPosition":(\d+)/.exec(String(last[0].content))?.[1];
      return { kind: 'message', content: [{ type: 'text', text: `All of your cash is idle [event:${position}]. I proposed buying 5 ITC.` }], stopReason: 'end_turn' };
    });

    await page.goto('/');
    await page.fill('#api-key', trader.apiKey);
    await page.click('[data-testid="login-submit"]');
    await page.click('[data-testid="nav-analyst"]');
    await page.locator('[data-testid="analyst"]').waitFor();
    await page.fill('[data-testid="analyst-question"]', 'Is my cash working?');
    await page.click('[data-testid="analyst-ask"]');

    await page.locator('[data-testid="analyst-answer"]', { hasText: 'I proposed buying 5 ITC.' }).waitFor();
    const citation = page.locator('[data-testid="analyst-citation"]');
    await citation.waitFor();
    expect(await citation.getAttribute('href')).toBe(`#/audit?stream=account-${accountId}`);
    await expect(page.locator('[data-testid="analyst-tools"]').textContent()).resolves.toContain('get_portfolio');

    const row = page.locator('[data-testid="analyst-proposals"] tr', { hasText: 'BUY 5 ITC' });
    await row.waitFor();
    await screenshot(page, 'analyst');
    await row.locator('[data-testid="proposal-approve"]').click();
    await page.locator('[data-testid="toast"]', { hasText: 'placed' }).waitFor();

    const orders = await t.as(trader.token).get(`/api/orders?accountId=${accountId}`);
    const fromProposal = orders.body.items.filter((o: { clientOrderId: string | null }) => o.clientOrderId?.startsWith('proposal:'));
    expect(fromProposal).toEqual([expect.objectContaining({ instrument: 'ITC', side: 'BUY', quantity: 5 })]);
    expect(server.violations).toEqual([]);
    // Failed requests of other parts of the shell log console errors; uncaught errors never may.
    expect(errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
  });
});
