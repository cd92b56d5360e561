import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTestApp, TestApp } from '../apps/api/test/test-app';

const CLI = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
const ORDER = { instrument: 'ITC', side: 'BUY', type: 'LIMIT', product: 'CNC', validity: 'DAY' };

function result(code: number | null, out: string, err: string) {
  return { code, out, err, json: () => JSON.parse(out) };
}

/**
 * The built `robo` (what `npx robo` runs), as a child process on a data directory. No time limit of its own: on a
 * loaded machine a process killed after a fixed delay would be read as a wrong exit code; the test's timeout guards.
 */
function robo(dataDir: string, ...args: string[]): Promise<ReturnType<typeof result>> {
  return new Promise((resolve) => {
    const env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    execFile(process.execPath, [CLI, ...args], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve(result(error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr));
    });
  });
}

describe('robo replay / audit / events (the built CLI on a DATA_DIR the api wrote)', () => {
  let t: TestApp;
  let dataDir: string;
  let account: string;
  let orderId: string;
  let fillCorrelation: string;
  let head: number;
  /** The live portfolio and the instant it was read, after the first fill and at the end. */
  let afterFirst: { instant: string; portfolio: { cashPaise: number; positions: { quantity: number }[] } };
  let atEnd: { instant: string; portfolio: { cashPaise: number; realizedNetPaise: number; positions: { quantity: number; costBasisPaise: number }[] } };

  beforeAll(async () => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
    t = await startTestApp();
    dataDir = t.dataDir;
    const opened = await t.api.post('/api/accounts').send({ name: 'cli', initialCashPaise: 100_000_000 });
    account = opened.body.accountId;
    const buy = await t.api.post('/api/orders').send({ accountId: account, ...ORDER, quantity: 100, limitPricePaise: 45_000 });
    orderId = buy.body.orderId;
    const f1 = await t.api.post(`/api/orders/${orderId}/fills`).send({ fillId: 'C-1', quantity: 40, pricePaise: 44_900, feesPaise: 100, occurredAt: '2026-11-20T10:05:00+05:30' });
    fillCorrelation = f1.headers['x-correlation-id'];
    afterFirst = { portfolio: (await t.api.get(`/api/accounts/${account}/portfolio?minPosition=${f1.body.globalPosition}`)).body, instant: new Date().toISOString() };
    // The next fill is recorded after the instant read above: the wall clock (which stamps recordedAt) has moved on.
    while (new Date().toISOString() <= afterFirst.instant) await new Promise((resolve) => setImmediate(resolve));
    // reported second, happened first
    const f2 = await t.api.post(`/api/orders/${orderId}/fills`).send({ fillId: 'C-0', quantity: 60, pricePaise: 45_000, feesPaise: 150, occurredAt: '2026-11-20T10:02:00+05:30' });
    const sell = await t.api.post('/api/orders').send({ accountId: account, ...ORDER, side: 'SELL', quantity: 50, limitPricePaise: 45_500 });
    const f3 = await t.api.post(`/api/orders/${sell.body.orderId}/fills`).send({ fillId: 'C-2', quantity: 50, pricePaise: 45_500, feesPaise: 80, occurredAt: '2026-11-20T10:20:00+05:30' });
    head = Math.max(f2.body.globalPosition, f3.body.globalPosition);
    atEnd = { portfolio: (await t.api.get(`/api/accounts/${account}/portfolio?minPosition=${head}`)).body, instant: new Date().toISOString() };
    // the audit index must hold everything before the api stops
    expect((await t.api.get(`/api/audit?minPosition=${head}&limit=1`)).status).toBe(200);
    await t.close();
  }, 30_000);

  it('replays a stream: every event with the state after it, up to a revision or an instant', async () => {
    const [all, firstRun, asOfRun, human] = await Promise.all([
      robo(dataDir, 'replay', 'stream', `order-${orderId}`, '--json'),
      robo(dataDir, 'replay', 'stream', `order-${orderId}`, '--to-revision', '0', '--json'),
      robo(dataDir, 'replay', 'stream', `order-${orderId}`, '--as-of', afterFirst.instant, '--json'),
      robo(dataDir, 'replay', 'stream', `order-${orderId}`),
    ]);
    expect(all.code).toBe(0);
    const replay = all.json();
    expect(replay.steps.map((s: { type: string }) => s.type)).toEqual(['OrderPlaced', 'OrderAccepted', 'OrderPartiallyFilled', 'OrderFilled']);
    expect(replay.state).toMatchObject({ status: 'FILLED' });
    expect(replay.steps[2].changes).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'status', after: 'PARTIALLY_FILLED' })]));
    const first = firstRun.json();
    expect(first.steps).toHaveLength(1);
    const asOf = asOfRun.json();
    expect(asOf.steps.map((s: { type: string }) => s.type)).toEqual(['OrderPlaced', 'OrderAccepted', 'OrderPartiallyFilled']);
    expect(human.out).toContain('OrderFilled');
    expect(human.out).toContain('status: "PARTIALLY_FILLED" -> "FILLED"');
  });

  it('rebuilds a portfolio as of an instant, equal to what the api showed then, and diffs two instants', async () => {
    const [then, endRun, businessRun, diffRun, human] = await Promise.all([
      robo(dataDir, 'replay', 'portfolio', account, '--as-of', afterFirst.instant, '--json'),
      robo(dataDir, 'replay', 'portfolio', account, '--as-of', atEnd.instant, '--time', 'recorded', '--json'),
      robo(dataDir, 'replay', 'portfolio', account, '--as-of', '2026-11-20T10:03:00+05:30', '--time', 'business', '--json'),
      robo(dataDir, 'replay', 'portfolio', account, '--as-of', afterFirst.instant, '--diff', atEnd.instant, '--json'),
      robo(dataDir, 'replay', 'portfolio', account, '--as-of', afterFirst.instant),
    ]);
    expect(then.code).toBe(0);
    expect(then.json()).toMatchObject({ cashPaise: afterFirst.portfolio.cashPaise, positions: [expect.objectContaining({ quantity: afterFirst.portfolio.positions[0].quantity })] });
    const end = endRun.json();
    expect(end).toMatchObject({ cashPaise: atEnd.portfolio.cashPaise, realizedNetPaise: atEnd.portfolio.realizedNetPaise });
    expect(end.positions[0]).toMatchObject({ quantity: atEnd.portfolio.positions[0].quantity, costBasisPaise: atEnd.portfolio.positions[0].costBasisPaise });
    // By business time the 60 @ 450 came first: at 10:03 only it had happened.
    const business = businessRun.json();
    expect(business.positions[0]).toMatchObject({ quantity: 60, costBasisPaise: 2_700_000 });
    const diff = diffRun.json();
    expect(diff.changes).toEqual(expect.arrayContaining([{ path: 'positions.ITC.quantity', before: 40, after: 50 }]));
    expect(human.out).toContain(`Portfolio of ${account}`);
  });

  it('pages the audit trail and filters it by correlation', async () => {
    const page1 = await robo(dataDir, 'audit', '--account', account, '--limit', '3', '--json');
    expect(page1.code).toBe(0);
    const first = page1.json();
    expect(first.items).toHaveLength(3);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await robo(dataDir, 'audit', '--account', account, '--limit', '3', '--cursor', first.nextCursor, '--json')).json();
    expect(second.items[0].position).toBeGreaterThan(first.items[2].position);
    const fill = (await robo(dataDir, 'audit', '--correlation', fillCorrelation, '--json')).json();
    expect(fill.items.map((d: { type: string }) => d.type)).toEqual(expect.arrayContaining(['OrderPartiallyFilled', 'PositionOpened', 'CashSettled']));
    for (const item of fill.items) expect(item.correlationId).toBe(fillCorrelation);
    const business = (await robo(dataDir, 'audit', '--account', account, '--type', 'CashSettled', '--from', '2026-11-20T10:00:00+05:30', '--to', '2026-11-20T10:04:00+05:30', '--time', 'business', '--json')).json();
    expect(business.items).toHaveLength(1);
    expect((await robo(dataDir, 'audit', '--account', account)).out).toContain('AccountOpened');
  });

  it('explains a figure by the events that produced it', async () => {
    const [cash, realizedRun, human] = await Promise.all([
      robo(dataDir, 'audit', 'explain', account, 'cash', '--json'),
      robo(dataDir, 'audit', 'explain', account, 'realized:ITC', '--json'),
      robo(dataDir, 'audit', 'explain', account, 'cash'),
    ]);
    expect(cash.code).toBe(0);
    const lineage = cash.json();
    expect(lineage.value).toBe(atEnd.portfolio.cashPaise);
    expect(lineage.contributions.map((c: { type: string }) => c.type)).toEqual(['AccountOpened', 'CashSettled', 'CashSettled', 'CashSettled']);
    const realized = realizedRun.json();
    expect(realized.value).toBe(atEnd.portfolio.realizedNetPaise);
    expect(human.out).toContain(`cash of ${account} =`);
  });

  it('exports the log and imports it into a fresh data directory, idempotently', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'robo-export-')), 'events.ndjson');
    const exported = await robo(dataDir, 'events', 'export', '--out', file, '--json');
    expect(exported.code).toBe(0);
    const report = exported.json();
    expect(report.events).toBe(fs.readFileSync(file, 'utf8').trim().split('\n').length);
    expect(report.events).toBeGreaterThanOrEqual(head);
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-import-'));
    const first = await robo(fresh, 'events', 'import', file, '--json');
    expect(first.code).toBe(0);
    expect(first.json()).toMatchObject({ events: report.events, appended: report.events, alreadyPresent: 0 });
    const again = await robo(fresh, 'events', 'import', file, '--json');
    expect(again.json()).toMatchObject({ events: report.events, appended: 0, alreadyPresent: report.events });
    // The copy answers the same business-time question as the original.
    const original = (await robo(dataDir, 'replay', 'portfolio', account, '--as-of', '2026-11-20T11:00:00+05:30', '--time', 'business', '--json')).json();
    const copy = (await robo(fresh, 'replay', 'portfolio', account, '--as-of', '2026-11-20T11:00:00+05:30', '--time', 'business', '--json')).json();
    expect({ ...copy, sources: null }).toEqual({ ...original, sources: null });
    const stdout = await robo(dataDir, 'events', 'export', '--after', String(head - 1));
    expect(stdout.out.trim().split('\n')).toHaveLength(report.events - head + 1);
    expect(stdout.err).toContain('exported');
  });

  it('exits 1 for what does not exist, 64 for bad usage, 65 for a bad file, 69 without a log, 0 for --help', async () => {
    const bad = path.join(dataDir, 'bad.ndjson');
    fs.writeFileSync(bad, 'not json\n');
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-import-bad-'));
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-empty-'));
    const unknown = '00000000-0000-4000-8000-000000000000';
    const cases: [string, string[], number][] = [
      [dataDir, ['replay', 'stream', `order-${unknown}`], 1],
      [dataDir, ['replay', 'portfolio', unknown, '--as-of', atEnd.instant], 1],
      [dataDir, ['audit', 'explain', unknown, 'cash'], 1],
      [dataDir, ['events', 'import', path.join(dataDir, 'no-such-file.ndjson')], 1],
      [dataDir, ['replay', 'stream', `order-${orderId}`, '--to-revision', '1', '--as-of', atEnd.instant], 64],
      [dataDir, ['replay', 'portfolio', account, '--as-of', 'yesterday'], 64],
      [dataDir, ['replay', 'portfolio', account], 64],
      [dataDir, ['audit', 'explain', account, 'nonsense'], 64],
      [dataDir, ['audit', '--limit', '0'], 64],
      [fresh, ['events', 'import', bad], 65],
      [empty, ['replay', 'portfolio', account, '--as-of', atEnd.instant], 69],
      [dataDir, ['replay', 'portfolio', '--help'], 0],
      [dataDir, ['audit', 'explain', '--help'], 0],
      [dataDir, ['events', 'import', '--help'], 0],
    ];
    const runs = await Promise.all(cases.map(([dir, args]) => robo(dir, ...args)));
    expect(runs.map((r, i) => [cases[i][1].join(' '), r.code])).toEqual(cases.map(([, args, code]) => [args.join(' '), code]));
    for (const [i, run] of runs.entries()) {
      if (cases[i][2] === 0) expect(run.out).toContain('Usage: robo');
      else expect(run.err).toMatch(/robo|error/);
    }
    expect(runs[10].err).toContain('no event log');
  }, 180_000);
});
