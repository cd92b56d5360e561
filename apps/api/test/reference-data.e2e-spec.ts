import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHARGE_SCHEDULES, DEFAULT_EXPIRY_RULES, DEFAULT_LOT_SIZES } from '@robo/domain';
import { startTestApp, type TestApp } from './test-app';

/**
 * The reference data the api serves: the bundled dated tables, and the same tables replaced from files at start
 * (CHARGES_FILE, LOT_SIZES_FILE, EXPIRY_RULES_FILE). The clock starts on Friday 20 Nov 2026, 10:00 IST.
 */
function writeJson(name: string, value: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'robo-ref-')), name);
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}

/** Buys 100 RELIANCE intraday and reports one execution of 100 @ 2,500.00 without feesPaise: the api charges it. */
async function chargesOfOneExecution(t: TestApp): Promise<number> {
  const opened = await t.api.post('/api/accounts').send({ name: 'ref', initialCashPaise: 100_000_000 });
  expect(opened.status).toBe(201);
  const placed = await t.api.post('/api/orders').send({
    accountId: opened.body.accountId, instrument: 'RELIANCE', side: 'BUY', quantity: 100, type: 'LIMIT', limitPricePaise: 250_000, product: 'MIS', validity: 'DAY',
  });
  expect(placed.status).toBe(201);
  const fill = await t.api.post(`/api/orders/${placed.body.orderId}/fills`).send({ fillId: 'R-1', quantity: 100, pricePaise: 250_000, occurredAt: '2026-11-20T10:01:00+05:30' });
  expect(fill.status).toBe(201);
  const order = await t.api.get(`/api/orders/${placed.body.orderId}?minPosition=${fill.body.globalPosition}`);
  expect(order.status).toBe(200);
  return order.body.feesPaise as number;
}

describe('reference data served by the api (bundled tables)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('charges a fill on the schedule from 2024-10-01: Rs 40.16 for 100 x 2,500.00 intraday (NSE Rs 2.97 per lakh)', async () => {
    // the domain's hand-computed case: brokerage 2000 + exchange 743 + SEBI 25 + stamp 750 + GST 498 = 4016
    expect(await chargesOfOneExecution(t)).toBe(4016);
  });

  it('NIFTY option chain: weekly expiries on Tuesdays, lot 65 for 2026 expiries', async () => {
    const chain = await t.api.get('/api/market/option-chain?underlying=NIFTY&strikes=1');
    expect(chain.status).toBe(200);
    expect(chain.body.lotSize).toBe(65);
    expect(chain.body.expiries).toEqual([
      { date: '2026-11-24', kind: 'MONTHLY' },
      { date: '2026-12-01', kind: 'WEEKLY' },
      { date: '2026-12-08', kind: 'WEEKLY' },
      { date: '2026-12-15', kind: 'WEEKLY' },
      { date: '2026-12-29', kind: 'MONTHLY' },
      { date: '2027-01-25', kind: 'MONTHLY' }, // 26 Jan 2027 (last Tuesday) is Republic Day: the Monday before
    ]);
  });

  it('BANKNIFTY option chain: monthly expiries only (no weeklies since November 2024), lot 30', async () => {
    const chain = await t.api.get('/api/market/option-chain?underlying=BANKNIFTY&strikes=1');
    expect(chain.status).toBe(200);
    expect(chain.body.expiries).toEqual([
      { date: '2026-11-24', kind: 'MONTHLY' },
      { date: '2026-12-29', kind: 'MONTHLY' },
      { date: '2027-01-25', kind: 'MONTHLY' }, // 26 Jan 2027 (last Tuesday) is Republic Day: the Monday before
    ]);
    expect(chain.body.lotSize).toBe(30);
    const weekly = await t.api.get('/api/market/option-chain?underlying=BANKNIFTY&expiry=2026-12-01');
    expect(weekly.status).toBe(400);
    expect(weekly.body.code).toBe('UNKNOWN_EXPIRY');
  });

  it('the other NSE indices: FINNIFTY 60, MIDCPNIFTY 120, NIFTYNXT50 25, monthly only', async () => {
    for (const [underlying, lot] of [['FINNIFTY', 60], ['MIDCPNIFTY', 120], ['NIFTYNXT50', 25]] as const) {
      const chain = await t.api.get(`/api/market/option-chain?underlying=${underlying}&strikes=0`);
      expect({ underlying, status: chain.status, lot: chain.body.lotSize, kinds: [...new Set(chain.body.expiries.map((e: { kind: string }) => e.kind))] }).toEqual({ underlying, status: 200, lot, kinds: ['MONTHLY'] });
    }
  });
});

describe('reference data replaced from files at start', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The schedule from 2024-10-01 with a cash exchange rate of 1 bp; NIFTY lot 50 from 2026; BANKNIFTY weekly on Wednesdays.
    const charges = CHARGE_SCHEDULES.map((s) => (s.effectiveFrom === '2024-10-01' ? { ...s, exchange: { ...s.exchange, equityBp: 1 } } : s));
    const lotSizes = DEFAULT_LOT_SIZES.map((r) => (r.underlying === 'NIFTY' && r.fromExpiry === '2026-01-01' ? { ...r, lotSize: 50 } : r));
    // ... and NIFTYNXT50 listed only from 2099, so it has no expiry in sight.
    const expiryRules = [
      ...DEFAULT_EXPIRY_RULES.filter((r) => r.underlying !== 'NIFTYNXT50'),
      { underlying: 'BANKNIFTY', fromExpiry: '2026-11-01', weekly: true, weekday: 3, source: 'a test table' },
      { underlying: 'NIFTYNXT50', fromExpiry: '2099-01-01', weekly: false, weekday: 2, source: 'a test table' },
    ];
    t = await startTestApp({
      CHARGES_FILE: writeJson('charges.json', { schedules: charges }),
      LOT_SIZES_FILE: writeJson('lot-sizes.json', { lotSizes }),
      EXPIRY_RULES_FILE: writeJson('expiry-rules.json', { expiryRules }),
    });
  });
  afterAll(async () => t.close());

  it('CHARGES_FILE: fills are charged on the schedule of the file', async () => {
    // exchange 25,000,000 x 0.01% = 2500; GST 18% x (2000 + 2500 + 25) = 814.5 -> 815
    // total = 2000 + 2500 + 25 + 750 + 815 = 6090
    expect(await chargesOfOneExecution(t)).toBe(6090);
  });

  it('LOT_SIZES_FILE: contracts take their lot from the file', async () => {
    expect((await t.api.get('/api/market/option-chain?underlying=NIFTY&strikes=0')).body.lotSize).toBe(50);
  });

  it('EXPIRY_RULES_FILE: the option chain lists the expiries of the file', async () => {
    const chain = await t.api.get('/api/market/option-chain?underlying=BANKNIFTY&strikes=0');
    // the file's rule covers all of November 2026, so its monthly is the last Wednesday too
    expect(chain.body.expiries.slice(0, 3)).toEqual([
      { date: '2026-11-25', kind: 'MONTHLY' },
      { date: '2026-12-02', kind: 'WEEKLY' },
      { date: '2026-12-09', kind: 'WEEKLY' },
    ]);
  });

  it('an index with no listed expiry ahead answers 400 UNKNOWN_EXPIRY, not a 500', async () => {
    const chain = await t.api.get('/api/market/option-chain?underlying=NIFTYNXT50');
    expect({ status: chain.status, code: chain.body.code, expiries: chain.body.details?.expiries }).toEqual({ status: 400, code: 'UNKNOWN_EXPIRY', expiries: [] });
  });
});
