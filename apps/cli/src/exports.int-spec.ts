import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openAccount, placeOrder, reportFill } from '../../api/test/auth-fixtures';
import { startTestApp, type TestApp } from '../../api/test/test-app';
import { runCli } from './cli';

async function robo(dataDir: string, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), env: { DATA_DIR: dataDir, LOG_LEVEL: 'silent' } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('robo export and robo statement (on the stores of DATA_DIR)', () => {
  let t: TestApp;
  let account: string;
  let statement: { totals: { chargesPaise: number; realizedNetPaise: number } };

  beforeAll(async () => {
    t = await startTestApp();
    const trader = await t.createKey('trader');
    account = await openAccount(t, trader, 'cli exports');
    let last = 0;
    for (const [side, price, minute] of [['BUY', 45_000, 1], ['SELL', 46_000, 2]] as const) {
      const orderId = await placeOrder(t, trader, account, { instrument: 'ITC', side, quantity: 100, type: 'LIMIT', limitPricePaise: price, product: 'MIS' });
      const fill = await reportFill(t, orderId, { fillId: `C-${minute}`, quantity: 100, pricePaise: price, occurredAt: `2026-11-20T10:0${minute}:00+05:30` });
      last = fill.body.globalPosition;
    }
    statement = (await t.as(trader.token).get(`/api/accounts/${account}/statement?from=2026-11-20&to=2026-11-20&minPosition=${last}`)).body;
  }, 30_000);
  afterAll(async () => t.close());

  it('prints the CSV the API serves, for orders, fills and trades', async () => {
    for (const kind of ['orders', 'fills', 'trades']) {
      const cli = await robo(t.dataDir, ['export', kind, account, '--from', '2026-11-20', '--to', '2026-11-20']);
      expect(cli.code).toBe(0);
      const api = await t.api.get(`/api/accounts/${account}/exports/${kind}?from=2026-11-20&to=2026-11-20`);
      expect(`${cli.out}\r\n`).toBe(api.text);
    }
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'robo-export-')), 'fills.csv');
    expect((await robo(t.dataDir, ['export', 'fills', account, '--from', '2026-11-20', '--to', '2026-11-20', '--out', file])).code).toBe(0);
    expect(fs.readFileSync(file, 'utf8').split('\r\n')[0]).toMatch(/^time_ist,order_id,fill_id,/);
  });

  it('prints the statement as a table, JSON (the API body) and CSV', async () => {
    const json = await robo(t.dataDir, ['statement', account, '--from', '2026-11-20', '--to', '2026-11-20', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual(statement);
    const text = await robo(t.dataDir, ['statement', account, '--from', '2026-11-20', '--to', '2026-11-20']);
    expect(text.out).toMatch(/^DATE\s+FILLS\s+TURNOVER\s+REALIZED\s+BROKERAGE\s+STT/);
    expect(text.out).toMatch(/\n2026-11-20\s+2\s+91,000\.00\s+1,000\.00\s/);
    const csv = await robo(t.dataDir, ['statement', account, '--from', '2026-11-20', '--to', '2026-11-20', '--csv']);
    expect(csv.out.split('\r\n')[2]).toMatch(/^TOTAL,2,91000\.00,1000\.00,/);
  });

  it('refuses a bad kind, date or account with usage and refusal exit codes', async () => {
    expect((await robo(t.dataDir, ['export', 'positions', account])).code).toBe(64);
    expect((await robo(t.dataDir, ['export', 'fills', account, '--from', '20-11-2026'])).code).toBe(64);
    expect((await robo(t.dataDir, ['statement', account, '--from', '2026-11-30', '--to', '2026-11-01'])).code).toBe(64);
    const unknown = await robo(t.dataDir, ['statement', '00000000-0000-4000-8000-000000000000']);
    expect([unknown.code, unknown.err]).toEqual([1, expect.stringContaining('does not exist')]);
  });
});
