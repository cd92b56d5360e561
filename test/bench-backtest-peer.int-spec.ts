import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_MIS_CUTOFFS } from '@robo/domain';
import { runPeer } from '../bench/workloads/backtest';
import { runSuite, QUICK_SIZES } from '../bench/harness/suite';

const ROOT = path.resolve(__dirname, '..');
const SCRIPT = path.join(ROOT, 'scripts/bench/backtesting-peer.sh');
const VENV_PYTHON = path.join(ROOT, '.tools/bt-venv/bin/python');
const WORKER = path.join(ROOT, 'dist/apps/api/src/backtests/sweep-worker.js');

/**
 * Closes (rupees) from 15:10 IST, each bar opening at the close before it. SMA(2) against SMA(3), worked by hand
 * (fast sum x 3 against slow sum x 2): 15:13 first relation (above); 15:14 cross below (flat: nothing); 15:15 cross
 * above: buy; 15:17 cross below: sell (trade 1); 15:18 cross above: buy; 15:20 the MIS cut-off: closed (trade 2);
 * 15:21 below; 15:22 cross above, after the cut-off: no entry. Without the cut-off the position would be held to the
 * 15:21 cross below (trade 2) and the 15:22 cross bought again (trade 3, closed at the end).
 */
const CLOSES = [100, 100, 100, 101, 98, 105, 106, 95, 120, 121, 122, 90, 160, 161];

function barsCsv(): string {
  const lines = ['datetime,open,high,low,close,volume'];
  CLOSES.forEach((close, i) => {
    const open = CLOSES[Math.max(0, i - 1)];
    lines.push(`2026-11-20 15:${String(10 + i).padStart(2, '0')},${open}.00,${Math.max(open, close)}.00,${Math.min(open, close)}.00,${close}.00,100000`);
  });
  return `${lines.join('\n')}\n`;
}

const skip = (why: string) => {
  process.stderr.write(`skipped: ${why}\n`);
};

describe('backtesting.py as the backtest benchmark peer', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bt-peer-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('trades the hand-worked crosses, with no entry from the MIS cut-off on and the position closed at it', async () => {
    if (!fs.existsSync(VENV_PYTHON)) return skip(`no ${VENV_PYTHON}: run scripts/bench/backtesting-peer.sh --install`);
    const csv = path.join(dir, 'bars.csv');
    fs.writeFileSync(csv, barsCsv());
    const args = (cutoff: string) => ['--csv', csv, '--fast', '2', '--slow', '3', '--cash-paise', '10000000', '--allocation-paise', '1000000', '--spread', '0', '--cutoff', cutoff];
    const withCutoff = await runPeer(['bash', SCRIPT], args(DEFAULT_MIS_CUTOFFS.equity));
    expect(withCutoff).toMatchObject({ measured: true, version: '0.6.6', bars: CLOSES.length, trades: 2 });
    const noCutoff = await runPeer(['bash', SCRIPT], args('23:59'));
    expect(noCutoff).toMatchObject({ measured: true, trades: 3 });
  }, 60_000);

  it('runs in the suite (workload backtest) beside ours, on the same bars, with both ratios', async () => {
    if (!fs.existsSync(VENV_PYTHON)) return skip(`no ${VENV_PYTHON}: run scripts/bench/backtesting-peer.sh --install`);
    if (!fs.existsSync(WORKER)) return skip(`no ${WORKER}: run npm run build`);
    const report = await runSuite({
      mode: 'custom',
      sizes: { ...QUICK_SIZES, backtest: { from: '2026-11-20', to: '2026-11-20', fastPeriod: 10, slowPeriod: 30 } },
      workloads: ['backtest'],
      repoRoot: ROOT,
      scratchParent: dir,
    });
    const byId = new Map(report.figures.map((f) => [f.id, f]));
    for (const id of ['backtest.rate', 'backtest.events.rate', 'backtest.seconds', 'backtest.trades', 'peer.backtest.run.rate', 'peer.backtest.wall.rate', 'peer.backtest.trades', 'ratio.backtest-peer-run', 'ratio.backtest-peer-wall']) {
      expect({ id, note: byId.get(id)?.note, finite: Number.isFinite(byId.get(id)?.value) }).toEqual({ id, note: undefined, finite: true });
    }
    // One session of bars: 375, through both.
    expect(byId.get('backtest.rate')?.parameters.bars).toBe(375);
    expect(byId.get('peer.backtest.trades')?.parameters.bars).toBe(375);
    expect(byId.get('backtest.trades')?.value).toBeGreaterThan(0);
    expect(byId.get('peer.backtest.trades')?.value).toBeGreaterThan(0);
  }, 180_000);
});
