import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseBarsCsv, runInWorkers, type BacktestSpec } from '@robo/backtest';
import { DEFAULT_MIS_CUTOFFS } from '@robo/domain';
import { compiledWorkerScript } from '@robo/event-store';
import { loadInstrumentCatalog } from '@robo/runtime';
import { nowMs } from '../harness/stats';
import type { ScratchDir } from '../harness/temp';
import { generateMinuteBars } from './backtest-bars';

export interface BacktestWorkloadOptions {
  repoRoot: string;
  /** IST dates of the bars, inclusive. */
  from: string;
  to: string;
  fastPeriod: number;
  slowPeriod: number;
  /** The peer's command and its leading arguments (default: scripts/bench/backtesting-peer.sh); null: not run. */
  peerCommand?: readonly string[] | null;
}

/** What backtesting.py said (sma_cross.py's JSON line), or why it was not measured. */
export type PeerOutcome =
  | { measured: true; version: string; pandas: string; numpy: string; python: string; bars: number; trades: number; returnPct: number; loadSeconds: number; runSeconds: number; wallSeconds: number; processSeconds: number }
  | { measured: false; reason: string };

export interface BacktestWorkloadResult {
  bars: number;
  tradingDays: number;
  parameters: { instrument: string; fastPeriod: number; slowPeriod: number; capitalPaise: number; allocationPaise: number; slippageBps: number; fillFractionPct: number };
  ours: { seconds: number; barsPerSecond: number; events: number; eventsPerSecond: number; trades: number; steps: number; hash: string };
  peer: PeerOutcome;
}

/** One instrument, the CLI's defaults for slippage and fills, an account of 1 crore with 5 lakh allocated to the strategy. */
const INSTRUMENT = 'INFY';
const CAPITAL_PAISE = 1_000_000_000;
const ALLOCATION_PAISE = 50_000_000;
const SLIPPAGE_BPS = 5;
const FILL_FRACTION_PCT = 25;

/**
 * Backtests the SMA crossover sample over generated one-minute bars (a CSV in the scratch directory) through the
 * command line's entry (the built api's backtest worker, runInWorkers), timed from reading the CSV to the run's
 * outcome (worker start, boot, every step, projections and the log hash included); then the same strategy on the
 * same file in backtesting.py (bench/peers/backtesting-py), unless the peer is switched off.
 */
export async function backtestWorkload(scratch: ScratchDir, options: BacktestWorkloadOptions): Promise<BacktestWorkloadResult> {
  // The instrument's tick and reference price from the catalog a run loads (no reference-data files: the bundled one).
  const instrument = loadInstrumentCatalog({ lotSizesFile: null, expiryRulesFile: null }).get(INSTRUMENT);
  if (!instrument) throw new Error(`${INSTRUMENT} is not in the instrument catalog`);
  const generated = generateMinuteBars({
    from: options.from,
    to: options.to,
    seed: `bench:${options.from}:${options.to}`,
    startPaise: instrument.referencePricePaise,
    tickPaise: instrument.tickSizePaise,
    sigmaPerMinute: 0.0005,
    volume: { min: 20_000, max: 100_000 },
  });
  const csvFile = scratch.file('bars.csv');
  fs.writeFileSync(csvFile, generated.csv);
  const runDir = scratch.file('backtest-run');
  fs.mkdirSync(runDir);
  const parameters = { instrument: INSTRUMENT, fastPeriod: options.fastPeriod, slowPeriod: options.slowPeriod };

  const t0 = nowMs();
  const bars = parseBarsCsv(fs.readFileSync(csvFile, 'utf8'), INSTRUMENT, csvFile);
  const spec: BacktestSpec = {
    kind: 'ma-crossover',
    parameters,
    from: bars[0].startAt,
    to: bars[bars.length - 1].startAt,
    data: { source: 'csv', file: csvFile, symbol: INSTRUMENT, bars },
    capitalPaise: CAPITAL_PAISE,
    allocationPaise: ALLOCATION_PAISE,
    slippageBps: SLIPPAGE_BPS,
    fillFractionPct: FILL_FRACTION_PCT,
  };
  const worker = compiledWorkerScript(path.join(options.repoRoot, 'apps/api/src/backtests'), 'sweep-worker.js');
  const [result] = await runInWorkers(worker, [{ spec, dir: runDir, env: { ...process.env }, strategiesDir: path.join(runDir, 'no-strategy-modules') }], { workers: 1 });
  const seconds = (nowMs() - t0) / 1000;
  if (!result.ok) throw new Error(`the backtest failed: ${result.code ?? ''} ${result.message}`);
  const { outcome } = result;

  const peer =
    options.peerCommand === null
      ? ({ measured: false, reason: 'not run' } as const)
      : await runPeer(options.peerCommand ?? ['bash', path.join(options.repoRoot, 'scripts/bench/backtesting-peer.sh')], [
          '--csv', csvFile,
          '--fast', String(options.fastPeriod),
          '--slow', String(options.slowPeriod),
          '--cash-paise', String(CAPITAL_PAISE),
          '--allocation-paise', String(ALLOCATION_PAISE),
          '--spread', String(SLIPPAGE_BPS / 10_000),
          '--cutoff', DEFAULT_MIS_CUTOFFS.equity,
        ]);
  return {
    bars: generated.bars,
    tradingDays: generated.tradingDays,
    parameters: { ...parameters, capitalPaise: CAPITAL_PAISE, allocationPaise: ALLOCATION_PAISE, slippageBps: SLIPPAGE_BPS, fillFractionPct: FILL_FRACTION_PCT },
    ours: { seconds, barsPerSecond: bars.length / seconds, events: outcome.events, eventsPerSecond: outcome.events / seconds, trades: outcome.report.statistics.tradeCount, steps: outcome.steps, hash: outcome.hash },
    peer,
  };
}

/**
 * Runs the peer and reads its JSON line; never throws: a missing interpreter, a failed install or a bad answer is a
 * peer not measured, with the reason (the last line it wrote to stderr, or what went wrong).
 */
export function runPeer(command: readonly string[], args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<PeerOutcome> {
  return new Promise((resolve) => {
    const t0 = nowMs();
    let out = '';
    let err = '';
    let child;
    try {
      child = spawn(command[0], [...command.slice(1), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    } catch (error) {
      resolve({ measured: false, reason: `cannot start ${command[0]}: ${(error as Error).message}` });
      return;
    }
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (error) => resolve({ measured: false, reason: `cannot start ${command[0]}: ${error.message}` }));
    child.on('close', (code) => {
      const processSeconds = (nowMs() - t0) / 1000;
      const lastErr = err.trim().split('\n').pop() ?? '';
      if (code !== 0) {
        resolve({ measured: false, reason: `${path.basename(command[command.length - 1])} exited with ${code}${lastErr ? `: ${lastErr}` : ''}` });
        return;
      }
      try {
        const answer = JSON.parse(out.trim().split('\n').pop() ?? '') as Record<string, unknown>;
        const numbers = ['bars', 'trades', 'returnPct', 'loadSeconds', 'runSeconds', 'wallSeconds'];
        const bad = numbers.filter((k) => typeof answer[k] !== 'number');
        if (bad.length > 0) throw new Error(`no ${bad.join(', ')} in its answer`);
        resolve({ measured: true, ...(answer as Omit<Extract<PeerOutcome, { measured: true }>, 'measured' | 'processSeconds'>), processSeconds });
      } catch (error) {
        resolve({ measured: false, reason: `the peer's answer is not its JSON line (${(error as Error).message})` });
      }
    });
  });
}
