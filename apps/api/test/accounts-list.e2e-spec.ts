import { EVENT_STORE, type EventStore } from '@robo/event-store';
import { demoIds } from '../src/demo/demo.service';
import { brokerKey, LIMIT_ORDER, reportFill } from './auth-fixtures';
import { startPaperApp } from './paper-fixtures';
import { startTestApp, type TestApp, type TestKey } from './test-app';

interface Item {
  accountId: string;
  name: string;
  cashPaise: number;
  equityPaise: number;
  openedAt: string;
  halted: boolean;
  access: string;
}
interface ListPage {
  items: Item[];
  nextCursor: string | null;
}

describe('GET /api/accounts: the accounts a caller may see, by name, paged, with a name search', () => {
  let t: TestApp;
  let trader: TestKey;
  let other: TestKey;
  let viewer: TestKey;
  let auditor: TestKey;
  const ids: Record<string, string> = {};
  let head: bigint;

  const open = async (key: TestKey, name: string, initialCashPaise: number) => {
    const res = await t.as(key.token).post('/api/accounts').send({ name, initialCashPaise });
    expect(res.status).toBe(201);
    ids[name] = res.body.accountId;
  };
  const list = async (key: TestKey, query = ''): Promise<{ status: number; body: ListPage & { code?: string } }> => {
    const res = await t.as(key.token).get(`/api/accounts?minPosition=${head}${query}`);
    return { status: res.status, body: res.body };
  };
  /** Every page from the first, with this limit and search. */
  const all = async (key: TestKey, query: string): Promise<{ names: string[]; pages: number }> => {
    const names: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(key, `${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      names.push(...res.body.items.map((i) => i.name));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 50);
    return { names, pages };
  };

  beforeAll(async () => {
    t = await startTestApp();
    trader = await t.createKey('trader');
    other = await t.createKey('trader');
    await open(trader, 'Asha Intraday', 100_000_000);
    await open(trader, 'zed swing', 5_000_000);
    await open(other, 'ASHA long term', 7_000_000);
    await open(t.admin, 'Bharat desk', 9_000_000);
    await open(t.admin, 'Bharat desk', 1_000_000);
    viewer = await t.createKey('viewer', [ids['ASHA long term']]);
    auditor = await t.createKey('auditor');
    // A position on Asha Intraday, so that its equity is not its cash.
    const order = await t.as(trader.token).post('/api/orders').send({ accountId: ids['Asha Intraday'], ...LIMIT_ORDER });
    expect(order.status).toBe(201);
    await brokerKey(t);
    const placedAt = (await t.app.get<EventStore>(EVENT_STORE).readStream(`order-${order.body.orderId}`))[0].data as { placedAt: string };
    const fill = await reportFill(t, order.body.orderId, { fillId: 'F-1', quantity: 100, pricePaise: 44_900, feesPaise: 1_000, occurredAt: placedAt.placedAt });
    expect(fill.status).toBe(201);
    head = await t.app.get<EventStore>(EVENT_STORE).headPosition();
  });
  afterAll(() => t.close());

  it('lists every account for an admin, by name then id, each with cash and equity in paise, openedAt and the caller access', async () => {
    const res = await list(t.admin);
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    const names = res.body.items.map((i) => i.name);
    expect(names).toEqual(['ASHA long term', 'Asha Intraday', 'Bharat desk', 'Bharat desk', 'zed swing']);
    const bharat = res.body.items.filter((i) => i.name === 'Bharat desk').map((i) => i.accountId);
    expect(bharat).toEqual([...bharat].sort());
    for (const item of res.body.items) {
      expect(Object.keys(item).sort()).toEqual(['access', 'accountId', 'cashPaise', 'equityPaise', 'halted', 'name', 'openedAt']);
      expect(item.access).toBe('trade');
      const account = await t.api.get(`/api/accounts/${item.accountId}`);
      const portfolio = await t.api.get(`/api/accounts/${item.accountId}/portfolio`);
      expect(item).toMatchObject({ cashPaise: account.body.cashPaise, openedAt: account.body.openedAt, halted: false, equityPaise: portfolio.body.equityPaise });
    }
    const asha = res.body.items.find((i) => i.name === 'Asha Intraday')!;
    // The fill moved cash (price and fees) and opened a position whose value is in equity, not in cash.
    expect(asha.cashPaise).toBe(100_000_000 - 100 * 44_900 - 1_000);
    expect(asha.equityPaise).toBe(asha.cashPaise + 100 * 44_900);
  });

  it('pages with limit and cursor: every account once, in order', async () => {
    const full = (await list(t.admin)).body.items.map((i) => i.name);
    const paged = await all(t.admin, '&limit=2');
    expect(paged.names).toEqual(full);
    expect(paged.pages).toBe(3);
  });

  it('searches names with q, a substring in any case, paged like the rest', async () => {
    expect((await list(t.admin, '&q=asha')).body.items.map((i) => i.name)).toEqual(['ASHA long term', 'Asha Intraday']);
    expect((await list(t.admin, '&q=SH')).body.items.map((i) => i.name)).toEqual(['ASHA long term', 'Asha Intraday']);
    expect((await list(t.admin, '&q=desk')).body.items.map((i) => i.name)).toEqual(['Bharat desk', 'Bharat desk']);
    expect((await list(t.admin, '&q=nobody')).body).toEqual({ items: [], nextCursor: null });
    const paged = await all(t.admin, '&q=a&limit=1');
    expect(paged.names).toEqual(['ASHA long term', 'Asha Intraday', 'Bharat desk', 'Bharat desk']);
  });

  it('scopes the list by role: traders and viewers their grants, auditors every account read-only, brokers nothing', async () => {
    const mine = await list(trader);
    expect(mine.body.items.map((i) => [i.name, i.access])).toEqual([
      ['Asha Intraday', 'trade'],
      ['zed swing', 'trade'],
    ]);
    expect((await list(trader, '&q=asha')).body.items.map((i) => i.name)).toEqual(['Asha Intraday']);
    expect((await list(other)).body.items.map((i) => i.name)).toEqual(['ASHA long term']);
    expect((await list(viewer)).body.items.map((i) => [i.name, i.access])).toEqual([['ASHA long term', 'read']]);
    const audited = await list(auditor);
    expect(audited.body.items).toHaveLength(5);
    expect(new Set(audited.body.items.map((i) => i.access))).toEqual(new Set(['read']));
    const lonely = await t.createKey('viewer');
    expect((await list(lonely)).body).toEqual({ items: [], nextCursor: null });
    const broker = await list(await brokerKey(t));
    expect(broker.status).toBe(403);
    expect(broker.body.code).toBe('FORBIDDEN');
  });

  it.each([
    ['&limit=0', 'VALIDATION_FAILED'],
    ['&limit=201', 'VALIDATION_FAILED'],
    ['&limit=ten', 'VALIDATION_FAILED'],
    ['&q=', 'VALIDATION_FAILED'],
    [`&q=${'x'.repeat(101)}`, 'VALIDATION_FAILED'],
    ['&q=a&q=b', 'VALIDATION_FAILED'],
    ['&sort=name', 'VALIDATION_FAILED'],
    ['&cursor=not-a-cursor', 'INVALID_CURSOR'],
    ['&minPosition=-1', 'VALIDATION_FAILED'],
  ])('answers 400 with a code to bad parameters (%s)', async (query, code) => {
    const res = await list(t.admin, query);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code, message: expect.any(String) });
  });
});

describe('GET /api/accounts with the demo running', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startPaperApp({ DEMO: 'true', MARKET_SEED: 'accounts-list-demo' });
  });
  afterAll(() => t.close());

  it('finds the demo account by its name', async () => {
    const head = await t.app.get<EventStore>(EVENT_STORE).headPosition();
    const res = await t.api.get(`/api/accounts?q=demo&minPosition=${head}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([expect.objectContaining({ accountId: demoIds('accounts-list-demo').accountId, name: 'Demo paper account', access: 'trade' })]);
  });
});
