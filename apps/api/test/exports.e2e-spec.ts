import { brokerKey, openAccount, placeOrder, reportFill } from './auth-fixtures';
import { startTestApp, TestApp, TestKey } from './test-app';

const AT = (minute: number) => `2026-11-20T10:${String(minute).padStart(2, '0')}:00+05:30`;
const KINDS = ['brokerage', 'stt', 'exchange', 'sebi', 'stamp', 'gst', 'notSplit'] as const;

describe('exports: CSV of orders, fills and trades, and the daily P&L statement', () => {
  let t: TestApp;
  let trader: TestKey;
  let stranger: TestKey;
  let viewer: TestKey;
  let account: string;
  let last = 0;

  async function trade(instrument: string, side: 'BUY' | 'SELL', quantity: number, pricePaise: number, minute: number, feesPaise?: number): Promise<void> {
    const orderId = await placeOrder(t, trader, account, { instrument, side, quantity, type: 'LIMIT', limitPricePaise: pricePaise, product: 'MIS' });
    const fill = await reportFill(t, orderId, { fillId: `F-${minute}`, quantity, pricePaise, occurredAt: AT(minute), ...(feesPaise === undefined ? {} : { feesPaise }) });
    expect(fill.status).toBe(201);
    last = Math.max(last, fill.body.globalPosition as number);
  }

  beforeAll(async () => {
    t = await startTestApp();
    trader = await t.createKey('trader');
    stranger = await t.createKey('trader');
    account = await openAccount(t, trader, 'exports');
    viewer = await t.createKey('viewer', [account]);
    // ITC 450.00 -> 460.00 x 100, charges from the schedule (split by kind); INFY bought with a broker's total of 1.00, left open.
    await trade('ITC', 'BUY', 100, 45_000, 1);
    await trade('ITC', 'SELL', 100, 46_000, 2);
    await trade('INFY', 'BUY', 10, 150_000, 3, 100);
  }, 30_000);
  afterAll(async () => t.close());

  it("adds up: the days' realized is the account's realized, the charges by kind are the fees recorded", async () => {
    const res = await t.as(viewer.token).get(`/api/accounts/${account}/statement?from=2026-11-01&to=2026-11-30&minPosition=${last}`);
    expect(res.status).toBe(200);
    const portfolio = (await t.as(trader.token).get(`/api/accounts/${account}/portfolio?minPosition=${last}`)).body;
    const { days, totals } = res.body;
    expect(days.map((d: { date: string }) => d.date)).toEqual(['2026-11-20']);
    const sum = (pick: (d: Record<string, number> & { charges: Record<string, number> }) => number) => days.reduce((s: number, d: never) => s + pick(d), 0);
    expect(sum((d) => d.realizedNetPaise)).toBe(portfolio.realizedNetPaise);
    expect(totals.realizedNetPaise).toBe(portfolio.realizedNetPaise);
    expect(totals.realizedGrossPaise).toBe(100_000);
    expect(KINDS.reduce((s, k) => s + totals.charges[k], 0)).toBe(portfolio.feesPaise);
    expect(totals.chargesPaise).toBe(portfolio.feesPaise);
    // the broker's total is not split; the schedule's are, with STT on the intraday sell and stamp on the buy
    expect(totals.charges.notSplit).toBe(100);
    expect(totals.charges.stt).toBeGreaterThan(0);
    expect(totals.charges.stamp).toBeGreaterThan(0);
    expect(totals.netPaise).toBe(totals.realizedGrossPaise - totals.chargesPaise);
    expect(totals.turnoverPaise).toBe(100 * 45_000 + 100 * 46_000 + 10 * 150_000);
    expect(totals.fills).toBe(3);
    const empty = await t.as(trader.token).get(`/api/accounts/${account}/statement?from=2026-12-01&to=2026-12-31`);
    expect(empty.body).toMatchObject({ days: [], totals: { fills: 0, chargesPaise: 0 } });
  });

  it('answers CSV with a header row, money in rupees and the split of each fill', async () => {
    const fills = await t.as(trader.token).get(`/api/accounts/${account}/exports/fills?from=2026-11-20&to=2026-11-20&minPosition=${last}`);
    expect(fills.status).toBe(200);
    expect(fills.headers['content-type']).toMatch(/^text\/csv/);
    expect(fills.headers['content-disposition']).toBe(`attachment; filename="fills-${account}-2026-11-20-2026-11-20.csv"`);
    const lines = fills.text.split('\r\n');
    expect(lines[0]).toBe('time_ist,order_id,fill_id,instrument,side,product,quantity,price,turnover,charges,brokerage,stt,exchange,sebi,stamp,gst,charges_split');
    expect(lines).toHaveLength(5); // header, three fills, the empty string after the last CRLF
    const infyLine = lines.find((l) => l.includes(',F-3,'))!;
    // RFC 4180: the field with a comma is quoted
    expect(infyLine.endsWith(',,,,,,,"reported total, not split"')).toBe(true);
    const infy = infyLine.split(',');
    expect(infy.slice(0, 1)).toEqual(['2026-11-20 10:03:00']);
    expect(infy.slice(3, 10)).toEqual(['INFY', 'BUY', 'MIS', '10', '1500.00', '15000.00', '1.00']);
    const itcSell = lines.find((l) => l.includes(',F-2,'))!.split(',');
    const charges = Math.round(Number(itcSell[9]) * 100);
    expect(itcSell.slice(10, 16).reduce((s, v) => s + Math.round(Number(v) * 100), 0)).toBe(charges);
    expect(itcSell[16]).toBe('schedule');

    const orders = await t.as(trader.token).get(`/api/accounts/${account}/exports/orders?from=2026-11-20&to=2026-11-20`);
    expect(orders.text.split('\r\n').filter((l) => l !== '')).toHaveLength(4);
    const trades = await t.as(trader.token).get(`/api/accounts/${account}/exports/trades?from=2026-11-20&to=2026-11-20`);
    const tradeLines = trades.text.split('\r\n').filter((l) => l !== '');
    expect(tradeLines).toHaveLength(2); // ITC closed; INFY still open
    expect(tradeLines[1]).toContain(',ITC,LONG,');
    const statement = await t.as(trader.token).get(`/api/accounts/${account}/exports/statement?from=2026-11-20&to=2026-11-20`);
    const rows = statement.text.split('\r\n');
    expect(rows[0]).toBe('date,fills,turnover,realized_gross,brokerage,stt,exchange,sebi,stamp,gst,charges_not_split,charges,net,realized_net');
    expect(rows[1].startsWith('2026-11-20,3,')).toBe(true);
    expect(rows[2].startsWith('TOTAL,3,')).toBe(true);
  });

  it('is read like the account: another trader gets 404; bad ranges and kinds 400', async () => {
    expect((await t.as(stranger.token).get(`/api/accounts/${account}/statement`)).status).toBe(404);
    expect((await t.as(stranger.token).get(`/api/accounts/${account}/exports/fills`)).status).toBe(404);
    const auditor = await t.createKey('auditor');
    expect((await t.as(auditor.token).get(`/api/accounts/${account}/exports/orders`)).status).toBe(200);
    const broker = await brokerKey(t);
    expect((await t.as(broker.token).get(`/api/accounts/${account}/statement`)).status).toBe(403);
    const backwards = await t.as(trader.token).get(`/api/accounts/${account}/statement?from=2026-11-30&to=2026-11-01`);
    expect(backwards.status).toBe(400);
    expect(backwards.body.code).toBe('VALIDATION_FAILED');
    expect((await t.as(trader.token).get(`/api/accounts/${account}/statement?from=2025-01-01&to=2026-11-30`)).status).toBe(400);
    const kind = await t.as(trader.token).get(`/api/accounts/${account}/exports/positions`);
    expect(kind.status).toBe(400);
    expect(kind.body.code).toBe('UNKNOWN_EXPORT');
  });
});
