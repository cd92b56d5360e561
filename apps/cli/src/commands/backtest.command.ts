import { systemWallClock } from '@robo/clock';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import type { JsonObject } from '@robo/domain';
import {
  BarsFileError,
  type BacktestResult,
  type BacktestRunRecord,
  type BacktestSpec,
  expandGrid,
  GridError,
  listRuns,
  newRunFolder,
  parseBarsCsv,
  rankBy,
  recordOf,
  runInWorkers,
  saveRun,
  walkForwardWindows,
} from '@robo/backtest';
import { compiledWorkerScript } from '@robo/event-store';
import { loadConfig } from '@robo/runtime';
import { CliError, EXIT, ioOf } from '../cli-context';
import { parseInstantOrDate, progress, rupeesText, table, toJson } from '../log-stores';

/**
 * A backtest runs through the api's own paper-trading modules (command handlers, pre-trade risk, the paper broker),
 * booted in a worker thread from the built api: the command line starts that worker, it imports nothing of the api.
 */
function backtestWorker(): string {
  return compiledWorkerScript(path.resolve(__dirname, '../../../api/src/backtests'), 'sweep-worker.js');
}

interface RunOptions {
  params: string;
  from: string;
  to: string;
  csv?: string;
  instrument?: string;
  simulator?: string;
  stepSeconds: string;
  capital: string;
  slippageBps: string;
  fillFraction: string;
  json?: boolean;
}

function configOf(command: Command) {
  let root: Command = command;
  while (root.parent) root = root.parent;
  const dataDir = root.opts<{ dataDir?: string }>().dataDir;
  return loadConfig({ ...ioOf(command).env, ...(dataDir ? { DATA_DIR: dataDir } : {}) });
}

function whole(value: string, option: string, min: number, max: number): number {
  if (!/^\d{1,15}$/.test(value) || Number(value) < min || Number(value) > max) throw new CliError(EXIT.USAGE, `${option} must be a whole number from ${min} to ${max}`);
  return Number(value);
}

function parameters(text: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(EXIT.USAGE, `--params must be a JSON object (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CliError(EXIT.USAGE, '--params must be a JSON object');
  return parsed as JsonObject;
}

/** The spec of `robo backtest run` from its options: a usage error for what cannot be run. */
export function specOf(kind: string, options: RunOptions): BacktestSpec {
  const params = parameters(options.params);
  const from = parseInstantOrDate(options.from, '--from', 'start');
  const to = parseInstantOrDate(options.to, '--to', 'end');
  if (Date.parse(to) <= Date.parse(from)) throw new CliError(EXIT.USAGE, '--to must be after --from');
  if ((options.csv === undefined) === (options.simulator === undefined)) throw new CliError(EXIT.USAGE, 'give one data source: --csv <file> or --simulator <seed>');
  const common = {
    kind,
    parameters: params,
    from: new Date(Date.parse(from)).toISOString(),
    to: new Date(Date.parse(to)).toISOString(),
    capitalPaise: whole(options.capital, '--capital', 1, 1_000_000_000) * 100,
    slippageBps: whole(options.slippageBps, '--slippage-bps', 0, 1000),
    fillFractionPct: whole(options.fillFraction, '--fill-fraction', 1, 100),
  };
  if (options.simulator !== undefined) {
    if (!/^[A-Za-z0-9._:-]{1,64}$/.test(options.simulator)) throw new CliError(EXIT.USAGE, "--simulator <seed>: 1 to 64 letters, digits, '.', '_', ':' or '-'");
    return { ...common, data: { source: 'simulator', seed: options.simulator, stepSeconds: whole(options.stepSeconds, '--step-seconds', 1, 3600) } };
  }
  const symbol = options.instrument ?? (typeof params.instrument === 'string' ? params.instrument : undefined);
  if (symbol === undefined) throw new CliError(EXIT.USAGE, '--csv needs --instrument <symbol> (the strategy parameters name none)');
  const file = path.resolve(options.csv!);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(EXIT.USAGE, `--csv ${options.csv}: cannot be read (${(error as Error).message})`);
  }
  let bars;
  try {
    bars = parseBarsCsv(text, symbol, options.csv!);
  } catch (error) {
    if (error instanceof BarsFileError) throw new CliError(EXIT.DATA, `${error.source}:\n  ${error.problems.join('\n  ')}`, 'INVALID_BARS');
    throw error;
  }
  const inWindow = bars.filter((b) => Date.parse(b.startAt) >= Date.parse(common.from) && Date.parse(b.startAt) <= Date.parse(common.to));
  if (inWindow.length === 0) throw new CliError(EXIT.DATA, `${options.csv}: no bar between --from and --to`, 'INVALID_BARS');
  return { ...common, data: { source: 'csv', file, symbol, bars: inWindow } };
}

function percent(x: number | null): string {
  return x === null ? '-' : `${(x * 100).toFixed(2)}%`;
}

function number(x: number | null): string {
  return x === null ? '-' : x.toFixed(2);
}

function summary(run: BacktestRunRecord): string {
  const s = run.statistics;
  const source = run.data.source === 'csv' ? `${run.data.file} (${run.data.symbol}, ${run.data.bars} bars)` : `simulator seed ${run.data.seed}`;
  return [
    `run ${run.runId}: ${run.kind} ${JSON.stringify(run.parameters)}`,
    `data ${source}, ${run.from} to ${run.to}, ${run.steps} steps, ${run.events} events`,
    `hash sha256:${run.hash}`,
    table(
      ['NET P&L', 'RETURN', 'TRADES', 'WIN RATE', 'FEES', 'MAX DRAWDOWN', 'SHARPE'],
      [[rupeesText(s.profitPaise), percent(s.totalReturn), String(s.tradeCount), percent(s.winRate), rupeesText(s.feesPaise), rupeesText(s.maxDrawdownPaise), number(s.sharpe)]],
    ),
  ].join('\n');
}

function statisticText(run: BacktestRunRecord, statistic: string): string {
  const value = (run.statistics as unknown as Record<string, unknown>)[statistic];
  if (typeof value !== 'number') return '-';
  return statistic.endsWith('Paise') ? rupeesText(value) : Number.isInteger(value) ? String(value) : value.toFixed(4);
}

function sweepTable(ranked: readonly BacktestRunRecord[], statistic: string): string {
  const rows = ranked.map((r, i) => [String(i + 1), JSON.stringify(r.parameters), statisticText(r, statistic), rupeesText(r.statistics.profitPaise), String(r.statistics.tradeCount), rupeesText(r.statistics.maxDrawdownPaise), r.runId]);
  return table(['RANK', 'PARAMETERS', statistic.toUpperCase(), 'NET P&L', 'TRADES', 'MAX DRAWDOWN', 'RUN'], rows);
}

/** `robo backtest ...`: a strategy run on historical bars or the simulator into a log of its own (docs/strategies.md). */
export function register(program: Command): void {
  const backtest = program.command('backtest').description('backtests: a strategy through the paper-trading code path, into an event log of its own (docs/strategies.md)');

  backtest
    .command('run <kind>')
    .description('run a strategy kind (built-in or from STRATEGIES_DIR) over bars from a CSV file or the simulator; prints the statistics and the log hash')
    .requiredOption('--params <json>', 'the strategy parameters, a JSON object')
    .requiredOption('--from <instant>', 'business time of the first step (an instant, or a date: 00:00 IST)')
    .requiredOption('--to <instant>', 'business time of the last step (an instant, or a date: its end)')
    .option('--csv <file>', 'bars: datetime,open,high,low,close,volume (IST, rupees)')
    .option('--instrument <symbol>', 'the symbol of the CSV bars (default: the parameters\' instrument)')
    .option('--simulator <seed>', 'the seeded simulated market instead of a file')
    .option('--step-seconds <n>', 'simulator: seconds of trading time per step', '60')
    .option('--capital <rupees>', 'the account\'s opening cash and the strategy\'s capital allocation, in rupees', '1000000')
    .option('--slippage-bps <n>', 'paper fill slippage in basis points', '5')
    .option('--fill-fraction <pct>', 'largest share of a step\'s volume one order may take, percent', '25')
    .option('--json', 'print the run record as JSON')
    .allowExcessArguments(false)
    .action(async (kind: string, options: RunOptions, command: Command) => {
      const config = configOf(command);
      const spec = specOf(kind, options);
      const { runId, dir } = newRunFolder(config.dataDir);
      const createdAt = systemWallClock.now();
      let result: BacktestResult;
      try {
        [result] = await runInWorkers(backtestWorker(), [{ spec, dir, env: ioOf(command).env, strategiesDir: config.strategiesDir }], { workers: 1 });
      } catch (error) {
        fs.rmSync(dir, { recursive: true, force: true });
        throw error;
      }
      if (!result.ok) {
        fs.rmSync(dir, { recursive: true, force: true });
        // A refusal (bad parameters, an unknown kind, a domain rule) carries its code; anything else is a failure.
        if (result.code !== null) throw new CliError(EXIT.DATA, `${result.code}: ${result.message}`, result.code);
        throw new Error(result.message);
      }
      const record: BacktestRunRecord = recordOf(runId, createdAt, spec, result.outcome);
      saveRun(config.dataDir, record);
      const io = ioOf(command);
      io.out(options.json ? toJson(record) : summary(record));
    });

  backtest
    .command('sweep <kind>')
    .description('run a parameter grid in worker threads (one per core), save each run, print them best first by a statistic')
    .requiredOption('--grid <json>', 'values to try per parameter, e.g. {"fastPeriod":[3,5],"slowPeriod":[10,20]}')
    .option('--params <json>', 'the parameters every point shares', '{}')
    .requiredOption('--from <instant>', 'business time of the first step (an instant, or a date: 00:00 IST)')
    .requiredOption('--to <instant>', 'business time of the last step (an instant, or a date: its end)')
    .option('--csv <file>', 'bars: datetime,open,high,low,close,volume (IST, rupees)')
    .option('--instrument <symbol>', 'the symbol of the CSV bars (default: the parameters\' instrument)')
    .option('--simulator <seed>', 'the seeded simulated market instead of a file')
    .option('--step-seconds <n>', 'simulator: seconds of trading time per step', '60')
    .option('--capital <rupees>', 'opening cash and capital allocation, in rupees', '1000000')
    .option('--slippage-bps <n>', 'paper fill slippage in basis points', '5')
    .option('--fill-fraction <pct>', 'largest share of a step\'s volume one order may take, percent', '25')
    .option('--sort <statistic>', 'the statistic to rank by (profitPaise, totalReturn, sharpe, sortino, winRate, maxDrawdownPaise, ...)', 'profitPaise')
    .option('--walk-forward <folds>', 'walk-forward: sweep each in-sample window, run the best point on the out-of-sample window after it')
    .option('--workers <n>', 'worker threads (default: one per core)')
    .option('--json', 'print JSON: { ranked: [run records], walkForward?: [...] }')
    .allowExcessArguments(false)
    .action(async (kind: string, options: RunOptions & { grid: string; sort: string; walkForward?: string; workers?: string }, command: Command) => {
      const config = configOf(command);
      const io = ioOf(command);
      const base = specOf(kind, options);
      let points: JsonObject[];
      try {
        points = expandGrid(base.parameters, parameters(options.grid));
      } catch (error) {
        if (error instanceof GridError) throw new CliError(EXIT.USAGE, `--grid: ${error.message}`);
        throw error;
      }
      const workers = options.workers === undefined ? undefined : whole(options.workers, '--workers', 1, 64);
      const windows = options.walkForward === undefined ? null : walkForwardWindows(base.from, base.to, whole(options.walkForward, '--walk-forward', 1, 50));
      const inWindow = (spec: BacktestSpec, from: string, to: string): BacktestSpec => ({
        ...spec,
        from,
        to,
        data: spec.data.source === 'csv' ? { ...spec.data, bars: spec.data.bars.filter((b) => b.startAt >= from && b.startAt <= to) } : spec.data,
      });
      const sweep = async (specs: BacktestSpec[], label: string): Promise<BacktestRunRecord[]> => {
        const folders = specs.map(() => newRunFolder(config.dataDir));
        const createdAt = systemWallClock.now();
        const bar = progress(label, specs.length);
        const results = await runInWorkers(
          backtestWorker(),
          specs.map((spec, i) => ({ spec, dir: folders[i].dir, env: io.env, strategiesDir: config.strategiesDir })),
          { workers, onDone: (done) => bar.tick(done) },
        );
        bar.end();
        const records: BacktestRunRecord[] = [];
        results.forEach((result, i) => {
          if (!result.ok) {
            fs.rmSync(folders[i].dir, { recursive: true, force: true });
            throw new CliError(EXIT.DATA, `${JSON.stringify(specs[i].parameters)}: ${result.code ? `${result.code}: ` : ''}${result.message}`, result.code ?? undefined);
          }
          const record = recordOf(folders[i].runId, createdAt, specs[i], result.outcome);
          saveRun(config.dataDir, record);
          records.push(record);
        });
        return records;
      };
      if (windows === null) {
        const ranked = rankBy(await sweep(points.map((p) => ({ ...base, parameters: p })), `sweep ${kind}`), options.sort);
        io.out(options.json ? toJson({ ranked }) : sweepTable(ranked, options.sort));
        return;
      }
      const folds = [];
      for (const [i, w] of windows.entries()) {
        const ranked = rankBy(await sweep(points.map((p) => inWindow({ ...base, parameters: p }, w.inSample.from, w.inSample.to)), `fold ${i + 1} in-sample`), options.sort);
        const [outOfSample] = await sweep([inWindow({ ...base, parameters: ranked[0].parameters }, w.outOfSample.from, w.outOfSample.to)], `fold ${i + 1} out-of-sample`);
        folds.push({ inSample: w.inSample, outOfSample: w.outOfSample, best: ranked[0], ranked, result: outOfSample });
      }
      if (options.json) {
        io.out(toJson({ walkForward: folds.map(({ inSample, outOfSample, best, result }) => ({ inSample, outOfSample, best, outOfSampleRun: result })) }));
        return;
      }
      const rows = folds.map((f, i) => [String(i + 1), `${f.inSample.from} .. ${f.inSample.to}`, JSON.stringify(f.best.parameters), statisticText(f.best, options.sort), statisticText(f.result, options.sort), f.result.runId]);
      io.out(table(['FOLD', 'IN-SAMPLE', 'BEST PARAMETERS', `IN ${options.sort}`, `OUT ${options.sort}`, 'OUT-OF-SAMPLE RUN'], rows));
    });

  backtest
    .command('list')
    .description('every finished run: kind, parameters, data, hash and statistics')
    .option('--json', 'print JSON: { items: [run records] }')
    .allowExcessArguments(false)
    .action((options: { json?: boolean }, command: Command) => {
      const runs = listRuns(configOf(command).dataDir);
      const io = ioOf(command);
      if (options.json) {
        io.out(toJson({ items: runs }));
        return;
      }
      if (runs.length === 0) {
        io.out('no backtest runs');
        return;
      }
      const rows = runs.map((r) => [
        r.runId,
        r.kind,
        JSON.stringify(r.parameters),
        r.data.source === 'csv' ? `csv ${path.basename(r.data.file)}` : `sim ${r.data.seed}`,
        rupeesText(r.statistics.profitPaise),
        String(r.statistics.tradeCount),
        rupeesText(r.statistics.maxDrawdownPaise),
        r.hash.slice(0, 16),
      ]);
      io.out(table(['RUN', 'KIND', 'PARAMETERS', 'DATA', 'NET P&L', 'TRADES', 'MAX DRAWDOWN', 'HASH'], rows));
    });
}
