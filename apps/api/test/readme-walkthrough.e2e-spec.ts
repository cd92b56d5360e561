import * as fs from 'node:fs';
import * as path from 'node:path';
import { startTestApp, type TestApp } from './test-app';

/** The README's "A walk through the API", run over HTTP; its portfolio figures must be what the run gives. */
const README = path.join(__dirname, '..', '..', '..', 'README.md');

/** `1,49,99,936.07` or `-63.93` (rupees, Indian grouping) -> paise. */
const paise = (text: string): number => Math.round(Number(text.replace(/,/g, '')) * 100);

/** The figures the README states after the portfolio call, in paise. */
function readmeFigures(): Record<string, number> {
  const text = fs.readFileSync(README, 'utf8');
  const money = String.raw`(-?[\d,]+\.\d\d)`;
  const first = new RegExp(String.raw`# -> equity ${money} = cash ${money} \+ market value ${money}`).exec(text);
  const second = new RegExp(String.raw`#\s+total P&L ${money} = equity - ${money} put in = realized ${money} \+ unrealized ${money} - charges on the open position ${money}`).exec(text);
  if (!first || !second) throw new Error('the README walk-through no longer states the portfolio figures in the expected form');
  return {
    equityPaise: paise(first[1]),
    cashPaise: paise(first[2]),
    marketValuePaise: paise(first[3]),
    totalPnlPaise: paise(second[1]),
    netInflowPaise: paise(second[2]),
    realizedNetPaise: paise(second[3]),
    unrealizedPnlPaise: paise(second[4]),
    openChargesPaise: paise(second[5]),
  };
}

describe('the README walk-through reproduces the portfolio figures it shows', () => {
  let t: TestApp;
  beforeAll(async () => {
    // As the README starts it: DEMO=false CLOCK_START=2026-11-20T09:30:00+05:30
    t = await startTestApp({ DEMO: 'false', CLOCK_START: '2026-11-20T09:30:00+05:30' });
  });
  afterAll(async () => t?.close());

  it('opens, deposits, buys 100 RELIANCE in two executions and reads the portfolio', async () => {
    const acc = (await t.api.post('/api/accounts').send({ name: 'Asha', initialCashPaise: 100000000 })).body.accountId as string;
    expect((await t.api.post(`/api/accounts/${acc}/deposits`).set('Idempotency-Key', 'dep-001').send({ amountPaise: 50000000 })).status).toBe(201);
    const ord = (await t.api.post('/api/orders').send({ accountId: acc, instrument: 'RELIANCE', side: 'BUY', quantity: 100, type: 'LIMIT', limitPricePaise: 250000, product: 'MIS', validity: 'DAY' })).body.orderId as string;
    expect((await t.api.post(`/api/orders/${ord}/fills`).send({ fillId: 'T-1', quantity: 40, pricePaise: 249900, feesPaise: 1200, occurredAt: '2026-11-20T09:31:00+05:30' })).status).toBe(201);
    const last = await t.api.post(`/api/orders/${ord}/fills`).send({ fillId: 'T-2', quantity: 60, pricePaise: 250000, occurredAt: '2026-11-20T09:32:00+05:30' });
    expect(last.status).toBe(201);
    const p = (await t.api.get(`/api/accounts/${acc}/portfolio?minPosition=${last.body.globalPosition}`)).body;
    const run = {
      equityPaise: p.equityPaise,
      cashPaise: p.cashPaise,
      marketValuePaise: p.marketValuePaise,
      totalPnlPaise: p.totalPnlPaise,
      netInflowPaise: p.netInflowPaise,
      realizedNetPaise: p.pnlSplit.realizedNetPaise,
      unrealizedPnlPaise: p.pnlSplit.unrealizedPnlPaise,
      openChargesPaise: p.pnlSplit.openChargesPaise,
    };
    expect(readmeFigures()).toEqual(run);
    expect(p.positions[0]).toMatchObject({ instrument: 'RELIANCE', quantity: 100, markSource: 'COST' });
  });
});
