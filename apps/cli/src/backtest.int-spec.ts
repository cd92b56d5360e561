import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BACKTEST_ACCOUNT_ID } from '../../api/src/backtests/run-backtest';
import { runCli } from './cli';

async function robo(env: Record<string, string>, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A new strategy kind, written as a user would: buys at the first closed bar, sells holdBars bars later. */
const HOLD_BARS = `
module.exports = {
  kind: 'hold-bars',
  description: 'buys quantity at the first closed bar and sells it holdBars bars later',
  parameterSchema: {
    type: 'object',
    properties: { instrument: { type: 'string' }, quantity: { type: 'integer', minimum: 1 }, holdBars: { type: 'integer', minimum: 1, default: 2 } },
    required: ['instrument', 'quantity'],
    additionalProperties: false,
  },
  exampleParameters: { instrument: 'INFY', quantity: 1 },
  bars: (p) => ({ instrument: p.instrument, barSeconds: 60 }),
  initialState: () => ({ seen: 0 }),
  step(state, input, p, ctx) {
    let seen = state.seen;
    const intents = [];
    const order = (side, tag) => ({ kind: 'PLACE', clientOrderId: 'hold-' + tag, accountId: ctx.accountId, instrument: p.instrument, side,
      quantity: p.quantity, orderType: 'MARKET', limitPricePaise: null, triggerPricePaise: null, product: 'MIS', validity: 'DAY',
      strategyId: ctx.strategyId, reason: tag });
    for (const bar of input.bars) {
      seen += 1;
      if (seen === 1) intents.push(order('BUY', 'entry'));
      if (seen === 1 + p.holdBars) intents.push(order('SELL', 'exit'));
    }
    return { state: { seen }, intents };
  },
};
`;

const CSV = ['datetime,open,high,low,close,volume', '2026-11-20 09:15,1500,1500,1500,1500,5000', '2026-11-20 09:16,1510,1510,1510,1510,5000', '2026-11-20 09:17,1520,1520,1520,1520,5000', '2026-11-20 09:18,1530,1530,1530,1530,5000', '2026-11-20 09:19,1540,1540,1540,1540,5000'].join('\n');

describe('robo backtest: a strategy module of ones own, backtested on a CSV file and on the simulator', () => {
  let env: Record<string, string>;
  let csv: string;
  beforeAll(() => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-workbench-'));
    const strategies = path.join(root, 'my-strategies');
    fs.mkdirSync(strategies);
    fs.writeFileSync(path.join(strategies, 'hold-bars.js'), HOLD_BARS);
    csv = path.join(root, 'infy.csv');
    fs.writeFileSync(csv, CSV);
    env = { DATA_DIR: path.join(root, 'data'), STRATEGIES_DIR: strategies };
  });

  it('runs the new module on the CSV bars: statistics as computed by hand', async () => {
    const run = await robo(env, ['backtest', 'run', 'hold-bars', '--params', '{"instrument":"INFY","quantity":10}', '--csv', csv, '--from', '2026-11-20', '--to', '2026-11-20', '--slippage-bps', '0', '--capital', '100000', '--json']);
    expect([run.code, run.err]).toEqual([0, '']);
    const record = JSON.parse(run.out);
    // The 09:15 bar closes at 09:16 (the next bar): buy 10, filled at 09:17's close 1,520.00 (no slippage). Bars 09:16
    // and 09:17 later (closed at 09:18): sell 10, filled at 09:19's close 1,540.00. Gross 10 x 20.00 = 200.00.
    // Charges (1 Oct 2024, intraday): buy on 15,200.00: brokerage 0.03% = 4.56, exchange 0.00297% = 0.45144 -> 0.45,
    // SEBI 0.0152 -> 0.02, stamp 0.003% = 0.456 -> 0.46, GST 18% of 5.03 = 0.9054 -> 0.91: 6.40.
    // sell on 15,400.00: brokerage 4.62, STT 0.025% = 3.85, exchange 0.45738 -> 0.46, SEBI 0.02, GST 18% of 5.10 = 0.918 -> 0.92: 9.87.
    const buy = 456 + 45 + 2 + 46 + 91;
    const sell = 462 + 385 + 46 + 2 + 92;
    expect([buy, sell]).toEqual([640, 987]);
    expect(record).toMatchObject({ kind: 'hold-bars', parameters: { instrument: 'INFY', quantity: 10 }, data: { source: 'csv', symbol: 'INFY', bars: 5 }, steps: 5 });
    expect(record.statistics).toMatchObject({ tradeCount: 1, grossPnlPaise: 20_000, feesPaise: buy + sell, netPnlPaise: 20_000 - buy - sell, profitPaise: 18_373, startEquityPaise: 10_000_000 });
    expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('runs it on the seeded simulator twice: equal hashes (the same log, byte for byte)', async () => {
    const args = ['backtest', 'run', 'hold-bars', '--params', '{"instrument":"INFY","quantity":5,"holdBars":3}', '--simulator', 'workbench', '--from', '2026-11-20T09:15:00+05:30', '--to', '2026-11-20T10:00:00+05:30', '--json'];
    const [a, b] = [await robo(env, args), await robo(env, args)];
    expect([a.code, b.code]).toEqual([0, 0]);
    const [ra, rb] = [JSON.parse(a.out), JSON.parse(b.out)];
    expect(ra.runId).not.toBe(rb.runId);
    expect(rb.hash).toBe(ra.hash);
    expect(ra.statistics.tradeCount).toBe(1);
    expect(ra.data).toEqual({ source: 'simulator', seed: 'workbench', stepSeconds: 60 });
  });

  it('opens a run\'s log with the audit, time-travel and lineage commands (--data-dir the run\'s folder)', async () => {
    const [run] = JSON.parse((await robo(env, ['backtest', 'list', '--json'])).out).items;
    const runEnv = { ...env, DATA_DIR: path.join(env.DATA_DIR, 'backtests', run.runId) };
    const audit = await robo(runEnv, ['audit', '--type', 'OrderFilled', '--json']);
    expect(audit.code).toBe(0);
    expect(JSON.parse(audit.out).items.map((e: { type: string }) => e.type)).toEqual(['OrderFilled', 'OrderFilled']);
    const accountId = BACKTEST_ACCOUNT_ID;
    const asOf = await robo(runEnv, ['replay', 'portfolio', accountId, '--as-of', '2026-11-20T09:18:00+05:30', '--time', 'business', '--json']);
    expect(asOf.code).toBe(0);
    expect(JSON.parse(asOf.out)).toMatchObject({ cashPaise: 10_000_000 - 1_520_000 - 640 });
    const lineage = await robo(runEnv, ['audit', 'explain', accountId, 'cash', '--json']);
    expect(lineage.code).toBe(0);
    expect(JSON.parse(lineage.out)).toMatchObject({ figure: 'cash', value: 10_000_000 + 18_373, contributionCount: 3 });
  });

  it('lists every run with its parameters, data source, hash and statistics', async () => {
    const listed = await robo(env, ['backtest', 'list', '--json']);
    expect(listed.code).toBe(0);
    const { items } = JSON.parse(listed.out);
    expect(items.map((r: { kind: string; data: { source: string } }) => [r.kind, r.data.source])).toEqual([
      ['hold-bars', 'csv'],
      ['hold-bars', 'simulator'],
      ['hold-bars', 'simulator'],
    ]);
    const text = await robo(env, ['backtest', 'list']);
    expect(text.out.split('\n')[0]).toMatch(/^RUN\s+KIND\s+PARAMETERS\s+DATA\s+NET P&L\s+TRADES\s+MAX DRAWDOWN\s+HASH$/);
    expect(text.out).toContain('Rs 183.73');
  });

  it('refuses bad bars with line numbers, bad parameters with the schema\'s words, and keeps no run of either', async () => {
    const bad = path.join(path.dirname(csv), 'bad.csv');
    fs.writeFileSync(bad, ['datetime,open,high,low,close,volume', '2026-11-20 09:15,1500,1500,1500,1500,5000', '2026-11-20 09:14,1500,1500,1500,1500,5000', '2026-11-20 25:00,1500,1500,1500,1500,5000', '2026-11-20 09:17,1500,1400,1500,1500,x'].join('\n'));
    const bars = await robo(env, ['backtest', 'run', 'hold-bars', '--params', '{"instrument":"INFY","quantity":10}', '--csv', bad, '--from', '2026-11-20', '--to', '2026-11-20']);
    expect(bars.code).toBe(65);
    expect(bars.err).toContain('line 3: 2026-11-20 09:14 is not later than the bar before it');
    expect(bars.err).toContain('line 4: "2026-11-20 25:00" is not an IST date-time');
    expect(bars.err).toContain('line 5: volume "x" is not a whole number of shares');
    const params = await robo(env, ['backtest', 'run', 'hold-bars', '--params', '{"instrument":"INFY","quantity":0}', '--csv', csv, '--from', '2026-11-20', '--to', '2026-11-20']);
    expect([params.code, params.err]).toEqual([65, 'robo: STRATEGY_PARAMETERS_INVALID: hold-bars: quantity must be >= 1']);
    expect(JSON.parse((await robo(env, ['backtest', 'list', '--json'])).out).items).toHaveLength(3);
  });
});

describe('robo backtest sweep: a parameter grid in worker threads, ranked by a statistic', () => {
  let env: Record<string, string>;
  let csv: string;
  beforeAll(() => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-sweep-'));
    fs.mkdirSync(path.join(root, 'strategies'));
    fs.writeFileSync(path.join(root, 'strategies', 'hold-bars.js'), HOLD_BARS);
    csv = path.join(root, 'infy.csv');
    fs.writeFileSync(csv, CSV);
    env = { DATA_DIR: path.join(root, 'data'), STRATEGIES_DIR: path.join(root, 'strategies') };
  });

  it('runs every point, saves each run, and ranks them by the chosen statistic (figures by hand)', async () => {
    const swept = await robo(env, ['backtest', 'sweep', 'hold-bars', '--params', '{"instrument":"INFY","quantity":10}', '--grid', '{"holdBars":[1,2,3]}', '--csv', csv, '--from', '2026-11-20', '--to', '2026-11-20', '--slippage-bps', '0', '--capital', '100000', '--workers', '2', '--json']);
    expect([swept.code, swept.err]).toEqual([0, '']);
    const { ranked } = JSON.parse(swept.out);
    // Bought 10 at 1,520.00 (charges 6.40) in every point.
    // holdBars 3: the sell is placed at the last bar and never fills: held at the close 1,540.00: 200.00 - 6.40 = 193.60.
    // holdBars 2: sold at 1,540.00 (charges 9.87): 183.73.
    // holdBars 1: sold at 1,530.00: brokerage 4.59, STT 3.825 -> 3.83, exchange 0.45441 -> 0.45, SEBI 0.02, GST 18% of 5.06 = 0.9108 -> 0.91: 9.80; 100.00 - 6.40 - 9.80 = 83.80.
    expect(ranked.map((r: { parameters: { holdBars: number }; statistics: { profitPaise: number } }) => [r.parameters.holdBars, r.statistics.profitPaise])).toEqual([
      [3, 20_000 - 640],
      [2, 20_000 - 640 - 987],
      [1, 10_000 - 640 - (459 + 383 + 45 + 2 + 91)],
    ]);
    const listed = JSON.parse((await robo(env, ['backtest', 'list', '--json'])).out).items;
    expect(listed.map((r: { runId: string }) => r.runId).sort()).toEqual(ranked.map((r: { runId: string }) => r.runId).sort());
    const text = await robo(env, ['backtest', 'sweep', 'hold-bars', '--params', '{"instrument":"INFY","quantity":10}', '--grid', '{"holdBars":[1,2]}', '--csv', csv, '--from', '2026-11-20', '--to', '2026-11-20', '--slippage-bps', '0', '--capital', '100000', '--sort', 'profitPaise']);
    expect(text.out.split('\n').slice(0, 3).map((l) => l.split(/\s{2,}/).slice(0, 3))).toEqual([
      ['RANK', 'PARAMETERS', 'PROFITPAISE'],
      ['1', '{"instrument":"INFY","quantity":10,"holdBars":2}', 'Rs 183.73'],
      ['2', '{"instrument":"INFY","quantity":10,"holdBars":1}', 'Rs 83.80'],
    ]);
  });

  it('walk-forward: the best in-sample point is run on the out-of-sample window after it', async () => {
    const swept = await robo(env, ['backtest', 'sweep', 'hold-bars', '--params', '{"instrument":"INFY","quantity":5}', '--grid', '{"holdBars":[2,5]}', '--simulator', 'wf', '--from', '2026-11-20T09:15:00+05:30', '--to', '2026-11-20T11:15:00+05:30', '--walk-forward', '1', '--json']);
    expect([swept.code, swept.err]).toEqual([0, '']);
    const [fold] = JSON.parse(swept.out).walkForward;
    expect(fold.inSample).toEqual({ from: '2026-11-20T03:45:00.000Z', to: '2026-11-20T04:44:59.999Z' });
    expect(fold.outOfSample).toEqual({ from: '2026-11-20T04:45:00.000Z', to: '2026-11-20T05:45:00.000Z' });
    expect(fold.outOfSampleRun).toMatchObject({ parameters: fold.best.parameters, from: fold.outOfSample.from, to: fold.outOfSample.to });
    expect(fold.best).toMatchObject({ from: fold.inSample.from, to: fold.inSample.to });
  });

  it('refuses a grid that is not one', async () => {
    const bad = await robo(env, ['backtest', 'sweep', 'hold-bars', '--grid', '{"holdBars":[]}', '--csv', csv, '--from', '2026-11-20', '--to', '2026-11-20', '--instrument', 'INFY']);
    expect([bad.code, bad.err]).toEqual([64, 'robo: --grid: grid.holdBars must be a non-empty array of values']);
  });
});
