import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PerformanceStatistics } from '@robo/read-models';
import { newId } from '@robo/write-path';
import type { BacktestOutcome, BacktestSpec } from './backtest-spec';

/** What a run was and what it gave: kept as run.json beside its log, in DATA_DIR/backtests/<runId>/. */
export interface BacktestRunRecord {
  runId: string;
  /** Wall-clock time the run was made (not part of its log). */
  createdAt: string;
  kind: string;
  parameters: BacktestSpec['parameters'];
  from: string;
  to: string;
  data: { source: 'csv'; file: string; symbol: string; bars: number } | { source: 'simulator'; seed: string; stepSeconds: number };
  capitalPaise: number;
  /** Present when the strategy's allocation was not the whole capital. */
  allocationPaise?: number;
  slippageBps: number;
  fillFractionPct: number;
  /** sha256 of the canonical log: equal hashes, equal logs. */
  hash: string;
  events: number;
  steps: number;
  statistics: PerformanceStatistics;
}

export const backtestsDir = (dataDir: string): string => path.join(dataDir, 'backtests');
export const runDir = (dataDir: string, runId: string): string => path.join(backtestsDir(dataDir), runId);
const RUN_ID = /^[0-9a-f-]{36}$/;

/** A new run folder (its id is time-ordered, so runs list in the order they were made). */
export function newRunFolder(dataDir: string): { runId: string; dir: string } {
  const runId = newId();
  const dir = runDir(dataDir, runId);
  fs.mkdirSync(dir, { recursive: true });
  return { runId, dir };
}

export function recordOf(runId: string, createdAt: string, spec: BacktestSpec, outcome: BacktestOutcome): BacktestRunRecord {
  const data = spec.data.source === 'csv' ? { source: 'csv' as const, file: spec.data.file, symbol: spec.data.symbol, bars: spec.data.bars.length } : { source: 'simulator' as const, seed: spec.data.seed, stepSeconds: spec.data.stepSeconds };
  return {
    runId,
    createdAt,
    kind: spec.kind,
    parameters: spec.parameters,
    from: spec.from,
    to: spec.to,
    data,
    capitalPaise: spec.capitalPaise,
    ...(spec.allocationPaise === undefined ? {} : { allocationPaise: spec.allocationPaise }),
    slippageBps: spec.slippageBps,
    fillFractionPct: spec.fillFractionPct,
    hash: outcome.hash,
    events: outcome.events,
    steps: outcome.steps,
    statistics: outcome.report.statistics,
  };
}

/** Written whole to a temporary file then renamed: a run is listed complete or not at all. */
export function saveRun(dataDir: string, record: BacktestRunRecord): void {
  const file = path.join(runDir(dataDir, record.runId), 'run.json');
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
}

export function readRun(dataDir: string, runId: string): BacktestRunRecord | null {
  if (!RUN_ID.test(runId)) return null;
  try {
    return JSON.parse(fs.readFileSync(path.join(runDir(dataDir, runId), 'run.json'), 'utf8')) as BacktestRunRecord;
  } catch {
    return null;
  }
}

/** Every finished run, oldest first (a folder without run.json, a run that failed or is under way, is left out). */
export function listRuns(dataDir: string): BacktestRunRecord[] {
  let names: string[];
  try {
    names = fs.readdirSync(backtestsDir(dataDir)).filter((n) => RUN_ID.test(n)).sort();
  } catch {
    return [];
  }
  return names.map((n) => readRun(dataDir, n)).filter((r): r is BacktestRunRecord => r !== null);
}
