import type { ScratchDir } from '../harness/temp';
import { backtestWorkload, type BacktestWorkloadOptions } from './backtest';

/** The suite's way of recording a figure (suite.ts `add`). */
type Add = (id: string, workload: string, figure: string, value: number | null, unit: string, parameters?: Record<string, unknown>, note?: string) => void;
type Attempt = (name: string, fallbackIds: [string, string, string][], work: () => Promise<void>) => Promise<void>;

/** The bars of the backtest workload (IST dates, inclusive) and the SMA periods. */
export interface BacktestSizes {
  from: string;
  to: string;
  fastPeriod: number;
  slowPeriod: number;
}

/**
 * Workload 8: the SMA crossover backtested over a year of generated one-minute bars (a month with --quick), and the
 * same strategy on the same CSV in backtesting.py; ours as a ratio of the peer's bars/s, timed two ways.
 */
export async function backtestGroup(scratch: ScratchDir, sizes: BacktestSizes, repoRoot: string, add: Add, attempt: Attempt, peerCommand?: BacktestWorkloadOptions['peerCommand']): Promise<void> {
  const w = `8. backtest: ma-crossover over one-minute bars (${sizes.from} to ${sizes.to})`;
  const pw = 'peer: backtesting.py, the same SMA crossover on the same CSV';
  await attempt(w, [['backtest.rate', w, 'bars/s']], async () => {
    const r = await backtestWorkload(scratch, { repoRoot, ...sizes, peerCommand });
    const params = { bars: r.bars, tradingDays: r.tradingDays, ...r.parameters, entry: 'runInWorkers + the built api backtest worker (as robo backtest run)', timed: 'CSV read to outcome: worker start, boot, steps, projections, log hash' };
    add('backtest.rate', w, 'bars/s', r.ours.barsPerSecond, 'bars/s', params);
    add('backtest.events.rate', w, 'events/s (events in the run log / wall time)', r.ours.eventsPerSecond, 'events/s', { events: r.ours.events });
    add('backtest.seconds', w, 'wall time', r.ours.seconds, 's', { bars: r.bars });
    add('backtest.trades', w, 'trades (position cycles, flat to flat)', r.ours.trades, 'trades', { hash: r.ours.hash });
    if (!r.peer.measured) {
      for (const [id, figure] of [['peer.backtest.run.rate', 'bars/s, Backtest.run()'], ['peer.backtest.wall.rate', 'bars/s, whole script']] as const) add(id, pw, figure, null, 'bars/s', {}, `not measured: ${r.peer.reason}`);
      return;
    }
    const p = r.peer;
    const versions = { backtesting: p.version, pandas: p.pandas, numpy: p.numpy, python: p.python };
    add('peer.backtest.run.rate', pw, 'bars/s, timed in Python around Backtest.run()', p.bars / p.runSeconds, 'bars/s', { ...versions, runSeconds: p.runSeconds });
    add('peer.backtest.wall.rate', pw, 'bars/s, whole script: imports, CSV load, Backtest.run()', p.bars / p.wallSeconds, 'bars/s', { wallSeconds: p.wallSeconds, loadSeconds: p.loadSeconds, processSeconds: p.processSeconds });
    add('peer.backtest.trades', pw, 'trades', p.trades, 'trades', { bars: p.bars, commission: 0, spread: r.parameters.slippageBps / 10_000 });
    // In percent: the ratio is far below 0.01x, which the table's two decimals would show as 0.00.
    add('ratio.backtest-peer-run', 'ratios (same run)', 'backtest bars/s / backtesting.py bars/s (its Backtest.run() alone)', (100 * r.ours.barsPerSecond) / (p.bars / p.runSeconds), '%');
    add('ratio.backtest-peer-wall', 'ratios (same run)', 'backtest bars/s / backtesting.py bars/s (its whole script)', (100 * r.ours.barsPerSecond) / (p.bars / p.wallSeconds), '%');
  });
}
