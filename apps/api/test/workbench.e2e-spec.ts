import * as fs from 'node:fs';
import * as path from 'node:path';
import { strategyStream } from '@robo/domain';
import { robo, workbench } from './backtest-fixtures';
import { engineOf, openPaperAccount, startPaperApp, streamEvents } from './paper-fixtures';
import type { TestApp } from './test-app';

describe('the strategy workbench: write a strategy, backtest it, promote the best run to paper trading', () => {
  let env: Record<string, string>;
  let t: TestApp;
  type Run = { runId: string; hash: string; parameters: Record<string, unknown>; statistics: { profitPaise: number } };
  const runs: Run[] = [];
  let sweep: Run[] = [];

  beforeAll(async () => {
    const bench = workbench('robo-workbench-e2e-');
    env = bench.env;
    const csv = bench.csvOptions;
    runs.push(JSON.parse(await robo(env, ['backtest', 'run', 'hold-bars', '--params', '{"instrument":"INFY","quantity":10,"holdBars":2}', ...csv])));
    runs.push(JSON.parse(await robo(env, ['backtest', 'run', 'hold-bars', '--params', '{"instrument":"INFY","quantity":20,"holdBars":1}', ...csv])));
    const sim = ['--simulator', 'workbench', '--from', '2026-11-20T09:15:00+05:30', '--to', '2026-11-20T10:00:00+05:30', '--json'];
    runs.push(JSON.parse(await robo(env, ['backtest', 'run', 'hold-bars', '--params', '{"instrument":"INFY","quantity":5,"holdBars":3}', ...sim])));
    runs.push(JSON.parse(await robo(env, ['backtest', 'run', 'hold-bars', '--params', '{"instrument":"INFY","quantity":5,"holdBars":3}', ...sim])));
    // A sweep over the holding period, in worker threads, ranked by net profit.
    sweep = JSON.parse(await robo(env, ['backtest', 'sweep', 'hold-bars', '--params', '{"instrument":"INFY","quantity":10}', '--grid', '{"holdBars":[1,2]}', '--sort', 'profitPaise', ...csv])).ranked;
    t = await startPaperApp({ DATA_DIR: env.DATA_DIR, STRATEGIES_DIR: env.STRATEGIES_DIR });
  });
  afterAll(async () => t?.close());

  it('backtests on the CSV bars give the figures computed by hand; two simulator runs give equal hashes', () => {
    // quantity 10, hold 2 bars: bought at 1,520.00, sold at 1,540.00: gross 200.00, charges 6.40 + 9.87 (see
    // apps/cli/src/backtest.int-spec.ts for the lines) = 183.73 net.
    expect(runs[0].statistics.profitPaise).toBe(20_000 - 640 - 987);
    // quantity 20, hold 1 bar: bought at 09:17's 1,520.00, sold at 09:18's 1,530.00: gross 200.00.
    // buy 30,400.00: brokerage 9.12, exchange 0.90288 -> 0.90, SEBI 0.0304 -> 0.03, stamp 0.912 -> 0.91, GST 18% of 10.05 = 1.809 -> 1.81: 12.77
    // sell 30,600.00: brokerage 9.18, STT 7.65, exchange 0.90882 -> 0.91, SEBI 0.03, GST 18% of 10.12 = 1.8216 -> 1.82: 19.59
    expect(runs[1].statistics.profitPaise).toBe(20_000 - (912 + 90 + 3 + 91 + 181) - (918 + 765 + 91 + 3 + 182));
    expect(runs[3].hash).toBe(runs[2].hash);
    expect(runs[3].runId).not.toBe(runs[2].runId);
  });

  it('GET /api/backtests lists every run with its parameters, data source, hash and statistics', async () => {
    const res = await t.api.get('/api/backtests');
    expect(res.status).toBe(200);
    const made = [...runs, ...sweep].map((r) => [r.runId, r.hash]).sort();
    expect(res.body.items.map((r: { runId: string; hash: string }) => [r.runId, r.hash]).sort()).toEqual(made);
    expect(res.body.items[0]).toMatchObject({ kind: 'hold-bars', parameters: { instrument: 'INFY', quantity: 10, holdBars: 2 }, data: { source: 'csv', symbol: 'INFY', bars: 5 } });
  });

  it('the sweep ranks its points by the statistic: holding two bars beats one', () => {
    expect(sweep.map((r) => [r.parameters.holdBars, r.statistics.profitPaise])).toEqual([
      [2, runs[0].statistics.profitPaise],
      [1, 10_000 - 640 - 980],
    ]);
    // The same strategy, parameters (as written) and bars as the first run, run in a worker thread: the same log.
    expect(sweep[0].hash).toBe(runs[0].hash);
  });

  it('promotes the best run of the sweep to a paper strategy with the same parameters; its registration links to the run (id and hash)', async () => {
    const best = sweep[0];
    const accountId = await openPaperAccount(t);
    const res = await t.api.post(`/api/backtests/${best.runId}/promote`).send({ accountId, name: 'hold-bars from its best backtest' });
    expect(res.status).toBe(201);
    const [registered] = await streamEvents(t, strategyStream(res.body.strategyId));
    expect(registered.type).toBe('StrategyRegistered');
    expect(registered.data).toMatchObject({ kind: 'hold-bars', accountId, parameters: best.parameters, capitalAllocationPaise: 10_000_000, instruments: ['INFY'], backtest: { runId: best.runId, hash: best.hash } });

    // It trades in paper like any other strategy.
    expect((await t.api.post(`/api/strategies/${res.body.strategyId}/activate`).send({})).status).toBe(200);
    for (let i = 0; i < 3; i += 1) await engineOf(t).step();
    const orders = await t.api.get(`/api/orders?accountId=${accountId}`);
    expect(orders.body.items.map((o: { side: string; quantity: number; strategyId: string }) => [o.side, o.quantity, o.strategyId])).toEqual([['BUY', 10, res.body.strategyId]]);
  });

  it('refuses to promote a run that does not exist, or whose log no longer hashes to its recorded hash', async () => {
    const accountId = await openPaperAccount(t);
    const missing = await t.api.post('/api/backtests/0193a5c2-7d1e-7abc-8def-0123456789ab/promote').send({ accountId, name: 'x' });
    expect([missing.status, missing.body.code]).toEqual([404, 'BACKTEST_NOT_FOUND']);
    const file = path.join(env.DATA_DIR, 'backtests', runs[1].runId, 'run.json');
    const record = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...record, hash: 'f'.repeat(64) }));
    const changed = await t.api.post(`/api/backtests/${runs[1].runId}/promote`).send({ accountId, name: 'x' });
    expect([changed.status, changed.body.code]).toEqual([409, 'BACKTEST_LOG_CHANGED']);
  });
});
