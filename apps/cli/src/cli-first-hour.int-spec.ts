import { EVENT_STORE, type EventStore } from '@robo/event-store';
import { startTestApp } from '../../api/test/test-app';
import { runCli } from './cli';

/** Runs one command line in process against a data directory; returns its exit code and what it printed. */
async function robo(dataDir: string, args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), env: { DATA_DIR: dataDir, ...env } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const ORDER = { instrument: 'ITC', side: 'BUY', type: 'LIMIT', product: 'CNC', validity: 'DAY' };
const FILLED_AT = '2026-11-20T10:05:00+05:30';

describe('robo for people and for scripts: accounts, IST times, rupees, plain dates, JSON errors', () => {
  let dataDir: string;
  let asha: string;
  let cashAfterFill: number;

  beforeAll(async () => {
    const t = await startTestApp();
    dataDir = t.dataDir;
    try {
      asha = (await t.api.post('/api/accounts').send({ name: 'Asha Intraday', initialCashPaise: 80_000_000 })).body.accountId;
      await t.api.post('/api/accounts').send({ name: 'bharat desk', initialCashPaise: 1_000_000_000 });
      await t.api.post('/api/accounts').send({ name: 'Chitra swing', initialCashPaise: 5 });
      const buy = await t.api.post('/api/orders').send({ accountId: asha, ...ORDER, quantity: 100, limitPricePaise: 45_000 });
      expect(buy.status).toBe(201);
      const fill = await t.api.post(`/api/orders/${buy.body.orderId}/fills`).send({ fillId: 'F-1', quantity: 100, pricePaise: 44_900, feesPaise: 1_000, occurredAt: FILLED_AT });
      expect(fill.status).toBe(201);
      const head = await t.app.get<EventStore>(EVENT_STORE).headPosition();
      // Every read model (the audit index too) holds everything before the api stops.
      expect((await t.api.get(`/api/audit?minPosition=${head}&limit=1`)).status).toBe(200);
      const listed = await t.api.get(`/api/accounts?minPosition=${head}`);
      cashAfterFill = listed.body.items.find((a: { accountId: string }) => a.accountId === asha).cashPaise;
    } finally {
      await t.close();
    }
  });

  it('lists accounts by name as a table with rupees and IST times, and as JSON with paise, with search and paging', async () => {
    const table = await robo(dataDir, ['accounts', 'list']);
    expect(table.code).toBe(0);
    const lines = table.out.split('\n');
    expect(lines[0]).toMatch(/^ACCOUNT\s+NAME\s+CASH\s+EQUITY\s+OPENED\s+TRADING$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[1])).toEqual(['Asha Intraday', 'Chitra swing', 'bharat desk']);
    expect(lines[1]).toContain(`Rs ${(cashAfterFill / 100).toLocaleString('en-IN', { minimumFractionDigits: 2 })}`);
    // By name as stored: capitals sort first.
    expect(lines[3]).toContain('Rs 1,00,00,000.00');
    expect(lines[2]).toContain('Rs 0.05');
    expect(lines[1]).toMatch(/2026-11-20 \d\d:\d\d:\d\d IST/);

    const json = await robo(dataDir, ['accounts', 'list', '--json']);
    const body = JSON.parse(json.out);
    expect(body.nextCursor).toBeNull();
    expect(body.items[0]).toEqual({ accountId: asha, name: 'Asha Intraday', cashPaise: cashAfterFill, equityPaise: cashAfterFill + 100 * 44_900, openedAt: expect.any(String), halted: false });

    expect(JSON.parse((await robo(dataDir, ['accounts', 'list', '--q', 'ASHA', '--json'])).out).items.map((a: { name: string }) => a.name)).toEqual(['Asha Intraday']);
    const first = JSON.parse((await robo(dataDir, ['accounts', 'list', '--limit', '2', '--json'])).out);
    expect(first.items).toHaveLength(2);
    const second = JSON.parse((await robo(dataDir, ['accounts', 'list', '--limit', '2', '--cursor', first.nextCursor, '--json'])).out);
    expect(second).toEqual({ items: [expect.objectContaining({ name: 'bharat desk' })], nextCursor: null });
    const paged = await robo(dataDir, ['accounts', 'list', '--limit', '2']);
    expect(paged.out).toContain(`more: --cursor ${first.nextCursor}`);
  });

  it('prints times in IST by default and in UTC with --utc', async () => {
    const ist = await robo(dataDir, ['audit', '--type', 'OrderFilled']);
    expect(ist.code).toBe(0);
    expect(ist.out).toContain('2026-11-20 10:05:00 IST');
    expect(ist.out).not.toContain('T04:35:00');
    const utc = await robo(dataDir, ['--utc', 'audit', '--type', 'OrderFilled']);
    expect(utc.out).toContain('2026-11-20 04:35:00 UTC');
    expect((await robo(dataDir, ['audit', 'explain', asha, 'quantity:ITC'])).out).toContain('2026-11-20 10:05:00 IST');
  });

  it('speaks rupees in portfolio text and audit summaries', async () => {
    const portfolio = await robo(dataDir, ['replay', 'portfolio', asha, '--as-of', '2026-11-20', '--time', 'business']);
    expect(portfolio.code).toBe(0);
    expect(portfolio.out).toContain(`cash Rs ${(cashAfterFill / 100).toLocaleString('en-IN', { minimumFractionDigits: 2 })}`);
    const opened = await robo(dataDir, ['audit', '--type', 'AccountOpened', '--account', asha]);
    expect(opened.out).toContain('Account opened: Asha Intraday, cash Rs 8,00,000.00');
  });

  it('takes a plain date for --as-of (the end of that IST day) and for --from/--to (that IST day)', async () => {
    const day = await robo(dataDir, ['replay', 'portfolio', asha, '--as-of', '2026-11-20', '--time', 'business', '--json']);
    const endOfDay = await robo(dataDir, ['replay', 'portfolio', asha, '--as-of', '2026-11-20T23:59:59.999+05:30', '--time', 'business', '--json']);
    expect(day.code).toBe(0);
    expect(JSON.parse(day.out)).toEqual(JSON.parse(endOfDay.out));
    expect(JSON.parse(day.out)).toMatchObject({ exists: true, cashPaise: cashAfterFill });
    expect(JSON.parse((await robo(dataDir, ['replay', 'portfolio', asha, '--as-of', '2026-11-19', '--time', 'business', '--json'])).out)).toMatchObject({ exists: false });
    const filledThatDay = JSON.parse((await robo(dataDir, ['audit', '--type', 'OrderFilled', '--from', '2026-11-20', '--to', '2026-11-20', '--time', 'business', '--json'])).out);
    expect(filledThatDay.items).toHaveLength(1);
    const dayBefore = JSON.parse((await robo(dataDir, ['audit', '--type', 'OrderFilled', '--from', '2026-11-19', '--to', '2026-11-19', '--time', 'business', '--json'])).out);
    expect(dayBefore.items).toHaveLength(0);
    expect((await robo(dataDir, ['replay', 'portfolio', asha, '--as-of', '2026-11-31'])).code).toBe(64);
  });

  it('refuses a lineage figure of an instrument the account never traded, with a non-zero exit', async () => {
    const nope = await robo(dataDir, ['audit', 'explain', asha, 'realized:NOPE']);
    expect(nope.code).toBe(1);
    expect(nope.out).toBe('');
    expect(nope.err).toContain('unknown lineage figure realized:NOPE');
    expect((await robo(dataDir, ['audit', 'explain', asha, 'quantity:ITC', '--json'])).code).toBe(0);
  });

  it('answers failures under --json as one JSON line {code, message} on stderr, with the same exit codes', async () => {
    const cases: [string[], number, string][] = [
      [['audit', 'explain', asha, 'realized:NOPE', '--json'], 1, 'UNKNOWN_FIGURE'],
      [['audit', 'explain', asha, 'nonsense', '--json'], 64, 'UNKNOWN_FIGURE'],
      [['replay', 'portfolio', '00000000-0000-4000-8000-000000000000', '--as-of', '2026-11-20', '--json'], 1, 'ACCOUNT_NOT_FOUND'],
      [['replay', 'portfolio', asha, '--as-of', 'yesterday', '--json'], 64, 'USAGE'],
      [['accounts', 'list', '--limit', '0', '--json'], 64, 'USAGE'],
      [['accounts', 'list', '--bogus', '--json'], 64, 'USAGE'],
      [['keys', 'create', '--name', 'x', '--json'], 64, 'USAGE'],
      [['keys', 'revoke', 'nosuchkey0000000', '--json'], 1, 'KEY_NOT_FOUND'],
    ];
    for (const [args, exit, code] of cases) {
      const run = await robo(dataDir, args);
      expect([args.join(' '), run.code, run.out]).toEqual([args.join(' '), exit, '']);
      const error = JSON.parse(run.err);
      expect(error).toEqual({ code, message: expect.any(String) });
      expect(error.message).not.toMatch(/^robo:|^error:/);
    }
    // Without --json the same failure is a line for people.
    expect((await robo(dataDir, ['accounts', 'list', '--limit', '0'])).err).toBe('robo: --limit must be 1 to 200');
  });

  it('prints a curl for the base URL the api really answers on (ROBO_URL, else the configured PORT)', async () => {
    const port = await robo(dataDir, ['keys', 'create', '--role', 'auditor', '--name', 'p'], { PORT: '4123' });
    expect(port.out).toContain("curl -s -X POST http://localhost:4123/auth/token -H 'content-type: application/json'");
    const url = await robo(dataDir, ['keys', 'create', '--role', 'auditor', '--name', 'u'], { PORT: '4123', ROBO_URL: 'https://robo.example.com/' });
    expect(url.out).toContain('curl -s -X POST https://robo.example.com/auth/token ');
  });
});
