import * as fs from 'node:fs';
import * as path from 'node:path';
import { SqliteEventStore } from '@robo/event-store';
import { ALL_PROJECTIONS, DEFAULT_PROJECTION_BATCH_SIZE } from '@robo/read-models';
import { appendBatches, appendSingleEvents } from '../workloads/append';
import { backtestGroup, type BacktestSizes } from '../workloads/backtest-group';
import { httpSplitWorkload, httpWorkload } from '../workloads/http';
import { peerAppendSingleEvents, peerReadStream } from '../workloads/peer-emmett';
import { projectorCatchUp, projectorInitialLoad, rebuildAll } from '../workloads/projections';
import { rawSingleTransaction, rawTransactions } from '../workloads/raw-sqlite';
import { foldStream, readWholeStream, timePortfolioAsOf } from '../workloads/replay';
import { machineInfo, type BenchReport, type Figure } from './report';
import { nowMs, round } from './stats';
import { evaluateTargets } from './targets';
import { ScratchDir } from './temp';
import { TradingLogWriter, writeLongAccountStream, type TradingLogSummary } from './trading-log';

/** `http` includes workload 7 (live updates over socket.io), which runs against the same api process; `backtest` runs its peer too. */
export const WORKLOADS = ['append', 'batch', 'raw', 'peer', 'http', 'projection', 'rebuild', 'replay', 'backtest'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

export interface Sizes {
  appendWriters: readonly number[];
  appendSeconds: number;
  warmupSeconds: number;
  batchSeconds: number;
  rawRows: number;
  rawSeconds: number;
  peerWriters: number;
  peerSeconds: number;
  httpConnections: number;
  httpSeconds: number;
  httpWarmupSeconds: number;
  /** Orders placed one by one while a socket.io client waits for their live update (workload 7). */
  liveCommands: number;
  /** Also run the order load on the split deployment (api + projector process). */
  httpSplit: boolean;
  /** Events in the generated trading log (rebuild, as-of replay). */
  logEvents: number;
  /** The projector catch-up runs over the log's first this-many events (then the log grows to logEvents). */
  catchUpEvents: number;
  streamLength: number;
  foldTimes: number;
  asOfTimes: number;
  /** Workload 8: the bars' IST dates and the SMA periods. */
  backtest: BacktestSizes;
}

export const FULL_SIZES: Sizes = {
  appendWriters: [1, 16, 64],
  appendSeconds: 5,
  warmupSeconds: 1,
  batchSeconds: 5,
  rawRows: 200_000,
  rawSeconds: 3,
  peerWriters: 64,
  peerSeconds: 5,
  httpConnections: 64,
  httpSeconds: 10,
  httpWarmupSeconds: 2,
  liveCommands: 200,
  httpSplit: true,
  logEvents: 1_000_000,
  catchUpEvents: 100_000,
  streamLength: 1000,
  foldTimes: 50,
  asOfTimes: 10,
  backtest: { from: '2025-12-01', to: '2026-11-30', fastPeriod: 10, slowPeriod: 30 },
};

export const QUICK_SIZES: Sizes = {
  appendWriters: [1, 16, 64],
  appendSeconds: 1,
  warmupSeconds: 0.3,
  batchSeconds: 1,
  rawRows: 50_000,
  rawSeconds: 0.7,
  peerWriters: 64,
  peerSeconds: 1,
  httpConnections: 64,
  httpSeconds: 2.5,
  httpWarmupSeconds: 0.5,
  liveCommands: 50,
  httpSplit: false,
  logEvents: 100_000,
  catchUpEvents: 10_000,
  streamLength: 1000,
  foldTimes: 20,
  asOfTimes: 5,
  backtest: { from: '2026-11-01', to: '2026-11-30', fastPeriod: 10, slowPeriod: 30 },
};

export interface SuiteOptions {
  mode: BenchReport['mode'];
  sizes: Sizes;
  workloads?: readonly WorkloadName[];
  repoRoot: string;
  /** Where the scratch databases go (default: the OS temp directory). */
  scratchParent?: string;
  token?: string;
  apiNodeArgs?: readonly string[];
  log?: (line: string) => void;
}

/** Ratios of figures measured in this run: they mean more than absolute numbers on a shared machine. */
function addRatios(figures: readonly Figure[], add: Add): void {
  const value = (id: string) => figures.find((f) => f.id === id)?.value ?? null;
  const pairs: [string, string, string, string][] = [
    ['ratio.w64-raw64', 'append.single.w64.rate', 'raw.tx64.rate', 'append 64 writers / raw 64 rows per transaction'],
    ['ratio.w64-raw1', 'append.single.w64.rate', 'raw.tx1.rate', 'append 64 writers / raw one row per transaction (group commit gain)'],
    ['ratio.batch-raw100', 'append.batch100.rate', 'raw.tx100.rate', 'append batches of 100 / raw 100 rows per transaction'],
    ['ratio.batch-raw-single', 'append.batch100.rate', 'raw.single-tx.rate', 'append batches of 100 / raw single transaction (target 0.5)'],
    ['ratio.w64-peer', 'append.single.w64.rate', 'peer.append.rate', 'append 64 writers / emmett-sqlite 64 writers (target 3)'],
    ['ratio.read-peer', 'peer.read.p50', 'replay.read.p50', 'emmett-sqlite readStream time / ours (same stream length)'],
  ];
  for (const [id, a, b, label] of pairs) {
    const x = value(a);
    const y = value(b);
    if (x !== null && y !== null && y !== 0) add(id, 'ratios (same run)', label, x / y, 'x');
  }
}

type Add = (id: string, workload: string, figure: string, value: number | null, unit: string, parameters?: Record<string, unknown>, note?: string) => void;

/** Runs the selected workloads in order; a workload that fails is reported as n/a with the reason, and the rest go on. */
export async function runSuite(options: SuiteOptions): Promise<BenchReport> {
  const started = nowMs();
  const selected = new Set(options.workloads ?? WORKLOADS);
  const sizes = options.sizes;
  const log = options.log ?? (() => undefined);
  const figures: Figure[] = [];
  const add: Add = (id, workload, figure, value, unit, parameters = {}, note) => {
    // A percentile of no samples is NaN, which JSON would silently turn into null: say so instead.
    const usable = value !== null && Number.isFinite(value);
    const rounded = usable ? round(value, Math.abs(value) >= 100 ? 0 : 3) : null;
    const why = note ?? (value !== null && !usable ? 'no samples in the measured window' : undefined);
    figures.push({ id, workload, figure, value: rounded, unit, parameters, ...(why ? { note: why } : {}) });
  };
  const scratch = new ScratchDir(options.scratchParent);
  const attempt = async (name: string, fallbackIds: [string, string, string][], work: () => Promise<void>) => {
    log(`- ${name} ...`);
    const t0 = nowMs();
    try {
      await work();
      log(`  done in ${((nowMs() - t0) / 1000).toFixed(1)} s`);
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      log(`  FAILED: ${error instanceof Error ? (error.stack ?? message) : message}`);
      for (const [id, workload, figure] of fallbackIds) add(id, workload, figure, null, '', {}, `did not run: ${message}`);
    }
  };

  try {
    if (selected.has('append')) {
      for (const writers of sizes.appendWriters) {
        const w = `1. append 1 event/call, ${writers} writer${writers === 1 ? '' : 's'}`;
        await attempt(w, [[`append.single.w${writers}.rate`, w, 'throughput']], async () => {
          const r = await appendSingleEvents(scratch, writers, sizes.appendSeconds * 1000, sizes.warmupSeconds * 1000);
          const params = { writers, seconds: sizes.appendSeconds, durable: 'WAL, synchronous=FULL', checkpoints: 'WAL checkpoint thread', eventBytes: Math.round(r.averageEventBytes) };
          add(`append.single.w${writers}.rate`, w, 'throughput', r.eventsPerSecond, 'events/s', params);
          add(`append.single.w${writers}.p50`, w, 'latency p50', r.p50Ms, 'ms', { writers });
          add(`append.single.w${writers}.p99`, w, 'latency p99', r.p99Ms, 'ms', { writers });
          add(`append.single.w${writers}.group`, w, 'events per transaction (group commit)', r.eventsPerTransaction, 'events/tx', { writers });
          add(`append.single.w${writers}.disk`, w, 'bytes written to storage per event', r.diskBytesPerEvent, 'bytes', { writers });
        });
      }
      const writers = Math.max(...sizes.appendWriters);
      const variants = [
        ['inline-checkpoint', 'SQLite checkpoints inline (EVENT_STORE_CHECKPOINT_THREAD=false)', { checkpointThread: false }],
        ['thread', 'writer thread (EVENT_STORE_WRITER_THREAD=true)', { writerThread: true }],
      ] as const;
      for (const [id, label, variant] of variants) {
        const w = `1. append 1 event/call, ${writers} writers, ${label}`;
        await attempt(w, [[`append.single.${id}.rate`, w, 'throughput']], async () => {
          const r = await appendSingleEvents(scratch, writers, sizes.appendSeconds * 1000, sizes.warmupSeconds * 1000, variant);
          add(`append.single.${id}.rate`, w, 'throughput', r.eventsPerSecond, 'events/s', { writers, seconds: sizes.appendSeconds, durable: 'WAL, synchronous=FULL' });
          add(`append.single.${id}.p99`, w, 'latency p99', r.p99Ms, 'ms', { writers });
          add(`append.single.${id}.group`, w, 'events per transaction (group commit)', r.eventsPerTransaction, 'events/tx', { writers });
        });
      }
    }
    if (selected.has('batch')) {
      const w = '2. append 100 events/call';
      await attempt(w, [['append.batch100.rate', w, 'throughput']], async () => {
        const r = await appendBatches(scratch, 100, sizes.batchSeconds * 1000, sizes.warmupSeconds * 1000);
        add('append.batch100.rate', w, 'throughput', r.eventsPerSecond, 'events/s', { writers: 1, batch: 100, seconds: sizes.batchSeconds, eventBytes: Math.round(r.averageEventBytes) });
        add('append.batch100.p99', w, 'latency p99 per call', r.p99Ms, 'ms', { batch: 100 });
        add('append.batch100.disk', w, 'bytes written to storage per event', r.diskBytesPerEvent, 'bytes', { batch: 100 });
      });
    }
    if (selected.has('raw')) {
      const w = 'reference: raw better-sqlite3 insert';
      await attempt(w, [['raw.single-tx.rate', w, 'all rows in one transaction']], async () => {
        const single = rawSingleTransaction(scratch, sizes.rawRows);
        add('raw.single-tx.rate', w, 'all rows in one transaction', single.rowsPerSecond, 'rows/s', { rows: single.rows, schema: 'same table and indexes', synchronous: 'FULL' });
        for (const [rowsPerTx, streams, label] of [
          [1, 1, 'one row per transaction (fsync)'],
          [64, 64, '64 rows on 64 streams per transaction (= a group commit of 64 appends)'],
          [100, 1, '100 rows on one stream per transaction (= a batch append)'],
        ] as const) {
          const r = rawTransactions(scratch, rowsPerTx, streams, sizes.rawSeconds * 1000);
          add(`raw.tx${rowsPerTx}.rate`, w, label, r.rowsPerSecond, 'rows/s', { rows: r.rows, seconds: sizes.rawSeconds });
          add(`raw.tx${rowsPerTx}.disk`, w, `${rowsPerTx} rows/tx: bytes written to storage per row`, r.diskBytesPerRow, 'bytes', {});
        }
      });
    }
    if (selected.has('peer')) {
      const w = `peer: emmett-sqlite 0.38.5, 1 event/call, ${sizes.peerWriters} writers`;
      await attempt(w, [['peer.append.rate', w, 'throughput']], async () => {
        const r = await peerAppendSingleEvents(scratch, sizes.peerWriters, sizes.peerSeconds * 1000, sizes.warmupSeconds * 1000);
        const params = {
          writers: sizes.peerWriters,
          seconds: sizes.peerSeconds,
          synchronous: r.synchronous,
          calls: 'queued one at a time (its store cannot run concurrent appends)',
          failedAppends: r.failed,
          ...(r.firstError ? { firstError: r.firstError } : {}),
        };
        add('peer.append.rate', w, 'throughput', r.eventsPerSecond, 'events/s', params);
        add('peer.append.p99', w, 'latency p99', r.p99Ms, 'ms', { writers: sizes.peerWriters });
      });
    }
    if (selected.has('http')) {
      const w = `3. HTTP POST /api/orders, ${sizes.httpConnections} connections`;
      await attempt(w, [['http.place.rate', w, 'orders accepted (2xx)']], async () => {
        const r = await httpWorkload(scratch, {
          repoRoot: options.repoRoot,
          connections: sizes.httpConnections,
          durationSeconds: sizes.httpSeconds,
          warmupSeconds: sizes.httpWarmupSeconds,
          liveCommands: sizes.liveCommands,
          token: options.token,
          nodeArgs: options.apiNodeArgs,
        });
        const common = { connections: sizes.httpConnections, seconds: sizes.httpSeconds, auth: r.auth };
        add('http.place.rate', w, 'orders accepted (2xx), one account', r.place.okPerSecond, 'req/s', { ...common, statusCodes: r.place.statusCodes, errors: r.place.errors });
        add('http.place.p50', w, 'latency p50, one account', r.place.p50Ms, 'ms', common);
        add('http.place.p99', w, 'latency p99, one account', r.place.p99Ms, 'ms', common);
        add('http.place-many.rate', w, `orders accepted (2xx), ${sizes.httpConnections} accounts`, r.placeManyAccounts.okPerSecond, 'req/s', {
          ...common,
          statusCodes: r.placeManyAccounts.statusCodes,
          errors: r.placeManyAccounts.errors,
        });
        add('http.place-many.p50', w, `latency p50, ${sizes.httpConnections} accounts`, r.placeManyAccounts.p50Ms, 'ms', common);
        add('http.place-many.p99', w, `latency p99, ${sizes.httpConnections} accounts`, r.placeManyAccounts.p99Ms, 'ms', common);
        const lw = `3. HTTP GET /health/live, ${sizes.httpConnections} connections`;
        add('http.live.rate', lw, 'throughput (same server; the better of its two runs)', r.live.okPerSecond, 'req/s', { ...common, statusCodes: r.live.statusCodes });
        add('http.live.before.rate', lw, 'throughput, run before the orders', r.liveRuns.before.okPerSecond, 'req/s', common);
        add('http.live.after.rate', lw, 'throughput, run after the orders (projector caught up)', r.liveRuns.after.okPerSecond, 'req/s', common);
        add('http.live.p99', lw, 'latency p99', r.live.p99Ms, 'ms', common);
        add('http.ratio', '3. HTTP ratio', 'orders/s (one account) / GET /health/live req/s', r.place.okPerSecond / r.live.okPerSecond, 'ratio');
        add('http.ratio-many', '3. HTTP ratio', `orders/s (${sizes.httpConnections} accounts) / GET /health/live req/s`, r.placeManyAccounts.okPerSecond / r.live.okPerSecond, 'ratio');
        const cw = '3. HTTP api CPU per request (event loop thread / other threads)';
        const cpuRuns = [
          ['live', 'GET /health/live', r.live],
          ['place', 'order, one account', r.place],
          ['place-many', `order, ${sizes.httpConnections} accounts`, r.placeManyAccounts],
        ] as const;
        for (const [id, label, run] of cpuRuns) {
          const cpu = run.apiCpuPerRequest;
          const why = cpu === null ? 'no /proc on this platform' : undefined;
          add(`http.cpu.${id}.main`, cw, `${label}: event loop thread`, cpu?.mainMs ?? null, 'ms', {}, why);
          add(`http.cpu.${id}.other`, cw, `${label}: other threads`, cpu?.otherThreadsMs ?? null, 'ms', {}, why);
        }
        const [get, order] = [r.live.apiCpuPerRequest, r.place.apiCpuPerRequest];
        add('http.cpu.ratio', '3. HTTP ratio', 'api CPU per order (one account) / per GET /health/live', get && order ? (order.mainMs + order.otherThreadsMs) / (get.mainMs + get.otherThreadsMs) : null, 'x');
        const lw7 = '7. live update over socket.io, sequential orders on one account';
        if ('unavailable' in r.liveUpdates) {
          add('live.p50', lw7, 'latency p50', null, 'ms', {}, r.liveUpdates.unavailable);
          add('live.p99', lw7, 'latency p99', null, 'ms', {}, r.liveUpdates.unavailable);
        } else {
          const params = { commands: r.liveUpdates.commands, missed: r.liveUpdates.missed, sequential: true, room: 'account:<id>', projector: 'embedded' };
          add('live.p50', lw7, 'latency p50 (0 = update arrived before the HTTP response)', r.liveUpdates.p50Ms, 'ms', params);
          add('live.p99', lw7, 'latency p99', r.liveUpdates.p99Ms, 'ms', params);
          add('live.e2e.p50', lw7, 'request sent to update received, p50', r.liveUpdates.endToEndP50Ms, 'ms', params);
          add('live.e2e.p99', lw7, 'request sent to update received, p99', r.liveUpdates.endToEndP99Ms, 'ms', params);
        }
      });
      if (sizes.httpSplit) {
        const sw = `3. HTTP POST /api/orders, split mode (api + projector process), ${sizes.httpConnections} accounts`;
        await attempt(sw, [['http.split.rate', sw, 'orders accepted (2xx)']], async () => {
          const r = await httpSplitWorkload(scratch, {
            repoRoot: options.repoRoot,
            connections: sizes.httpConnections,
            durationSeconds: sizes.httpSeconds,
            warmupSeconds: sizes.httpWarmupSeconds,
            liveCommands: sizes.liveCommands,
            token: options.token,
            nodeArgs: options.apiNodeArgs,
          });
          const params = { connections: sizes.httpConnections, seconds: sizes.httpSeconds, EMBEDDED_PROJECTOR: false };
          add('http.split.rate', sw, 'orders accepted (2xx)', r.okPerSecond, 'req/s', { ...params, statusCodes: r.statusCodes, errors: r.errors });
          add('http.split.p50', sw, 'latency p50', r.p50Ms, 'ms', params);
          add('http.split.p99', sw, 'latency p99', r.p99Ms, 'ms', params);
          if (r.apiCpuPerRequest && r.projectorCpuPerRequest) {
            add('http.split.cpu.api', sw, 'api process CPU per order (all threads)', r.apiCpuPerRequest.mainMs + r.apiCpuPerRequest.otherThreadsMs, 'ms', params);
            add('http.split.cpu.projector', sw, 'projector process CPU per order (all threads)', r.projectorCpuPerRequest.mainMs + r.projectorCpuPerRequest.otherThreadsMs, 'ms', params);
          }
        });
      }
    }

    /**
     * Writes a trading log into `store` with a writer that is dropped on return: the generator keeps every
     * account's and position's folded state in memory (hundreds of MB for 1M events), and a live heap that size
     * would slow the measurements that follow (a fold of 1,000 events went from ~15 ms to ~1 s), which no api has.
     */
    const writeLog = async (store: SqliteEventStore, events: number): Promise<TradingLogSummary & { seconds: number }> => {
      log(`- writing a trading log of ${events.toLocaleString('en-US')} events with the real deciders ...`);
      let reported = 0;
      const onProgress = (n: number) => {
        if (n - reported >= 100_000) {
          reported = n;
          log(`  ${n.toLocaleString('en-US')} events written`);
        }
      };
      const t0 = nowMs();
      const summary = await new TradingLogWriter(store, { plannedEvents: events, onProgress }).writeUntil(events);
      const seconds = (nowMs() - t0) / 1000;
      log(`  ${summary.events.toLocaleString('en-US')} events (${summary.orders.toLocaleString('en-US')} orders) in ${seconds.toFixed(1)} s`);
      return { ...summary, seconds };
    };
    const projections = ALL_PROJECTIONS.length;

    if (selected.has('projection')) {
      // Its own, smaller log: the catch-up figure is a rate, it needs no million events. In a data directory, for the
      // initial load's worker thread.
      const logDir = scratch.file('catch-up-log');
      fs.mkdirSync(logDir);
      const store = SqliteEventStore.open({ file: path.join(logDir, 'events.db'), maxEventsPerCommit: 10_000 });
      try {
        const prefix = await writeLog(store, Math.min(sizes.catchUpEvents, sizes.logEvents));
        const w = `4. projections catch-up (all ${projections}, live loop page by page, audit trail in a worker thread)`;
        await attempt(w, [['projection.rate', w, 'log events/s through all projections']], async () => {
          const r = await projectorCatchUp(logDir, store);
          const params = { logEvents: Number(r.events), orders: prefix.orders, projections, batchSize: DEFAULT_PROJECTION_BATCH_SIZE };
          add('projection.rate', w, 'log events/s through all projections', r.eventsPerSecond, 'events/s', params);
          add('projection.per-projection.rate', w, 'projection-events/s (log events x projections / time)', (Number(r.events) * projections) / r.seconds, 'events/s', {
            documents: r.documents,
          });
        });
        const lw = `4. projector started on an empty read store (initial load, audit trail in a worker thread)`;
        await attempt(lw, [['projection.initial-load.rate', lw, 'log events/s until every projection is at the head']], async () => {
          const r = await projectorInitialLoad(logDir, store);
          add('projection.initial-load.rate', lw, 'log events/s until every projection is at the head', r.eventsPerSecond, 'events/s', { logEvents: Number(r.events), projections });
        });
      } finally {
        await store.close();
        fs.rmSync(logDir, { recursive: true, force: true });
      }
    }

    if (selected.has('rebuild') || selected.has('replay')) {
      // A data directory: the rebuild opens its read stores (and its worker thread the log) as the product does.
      const logDir = scratch.file('trading-log');
      fs.mkdirSync(logDir);
      const logFile = path.join(logDir, 'events.db');
      const store = SqliteEventStore.open({ file: logFile, maxEventsPerCommit: 10_000 });
      try {
        const tradingLog = await writeLog(store, sizes.logEvents);
        const head = await store.headPosition();
        const logParams = { logEvents: Number(head), orders: tradingLog.orders, accounts: tradingLog.accounts.length, ...(options.mode === 'quick' ? { quick: 'reduced log' } : {}) };
        add('log.generate.rate', 'generated trading log (setup)', 'decide + append with 10,000-event group commits', tradingLog.events / tradingLog.seconds, 'events/s', logParams);

        // Replay runs before the rebuild: a million-event rebuild leaves the heap shrunk after its last collection, and
        // the first folds after it pay for regrowing the young generation (7-13 ms instead of 2.5-3 ms measured here).
        if (selected.has('replay')) {
          const w = `6. replay: fold one ${sizes.streamLength}-event account stream`;
          await attempt(w, [['replay.fold.p50', w, 'readStream + fold, p50']], async () => {
            const { stream } = await writeLongAccountStream(store, sizes.streamLength);
            const r = await foldStream(store, stream, sizes.streamLength - 1, sizes.foldTimes);
            const params = { events: r.events, toRevision: sizes.streamLength - 1, evolve: 'evolveAccount', runs: sizes.foldTimes, log: Number(head) };
            add('replay.fold.p50', w, 'readStream + fold, p50', r.p50, 'ms', params);
            add('replay.fold.p99', w, 'readStream + fold, p99', r.p99, 'ms', { runs: sizes.foldTimes });
            const read = await readWholeStream(store, stream, sizes.foldTimes);
            add('replay.read.p50', `6. read one ${sizes.streamLength}-event stream`, 'ours: readStream p50', read.p50, 'ms', { events: read.events, runs: sizes.foldTimes });
          });
          const aw = `6. replay: portfolio as of a time (account + position streams cut at recorded time)`;
          await attempt(aw, [['replay.asof.p50', aw, 'wall time p50']], async () => {
            const middle = await store.readAll({ after: head / 2n, maxCount: 1 });
            const asOf = middle[0]?.recordedAt;
            if (!asOf) throw new Error('empty log');
            const r = await timePortfolioAsOf(store, tradingLog.busiestAccount, asOf, sizes.asOfTimes);
            add('replay.asof.p50', aw, 'wall time p50', r.p50, 'ms', {
              log: Number(head),
              asOf,
              eventsFolded: r.portfolio?.eventsFolded,
              positions: r.portfolio?.positions,
              runs: sizes.asOfTimes,
            });
          });
        }
        if (selected.has('rebuild')) {
          // The replay above may have added its long account stream to the log.
          const rebuildHead = await store.headPosition();
          const w = `5. rebuild all ${projections} projections, ${Number(rebuildHead).toLocaleString('en-US')} events`;
          await attempt(w, [['rebuild.seconds', w, 'wall time']], async () => {
            const r = await rebuildAll(logDir, store);
            const perProjection = Object.fromEntries(Object.entries(r.perProjectionSeconds).map(([k, v]) => [k, round(v, 1)]));
            const how =
              Object.keys(perProjection).length > 0
                ? { perProjectionSeconds: perProjection }
                : r.threads > 1
                  ? { pass: 'audit trail in a worker thread into audit.db, the other projections in one pass into read-models.db', threads: r.threads }
                  : { pass: 'one pass feeding all projections', threads: 1 };
            add('rebuild.seconds', w, 'wall time', r.seconds, 's', { ...logParams, logEvents: Number(rebuildHead), ...how });
          });
        }
      } finally {
        await store.close();
        fs.rmSync(logDir, { recursive: true, force: true });
      }
    }
    if (selected.has('replay') && selected.has('peer')) {
      const w = `peer: emmett-sqlite readStream of a ${sizes.streamLength}-event stream`;
      await attempt(w, [['peer.read.p50', w, 'readStream p50']], async () => {
        const r = await peerReadStream(scratch, sizes.streamLength, sizes.foldTimes);
        add('peer.read.p50', w, 'readStream p50', r.p50, 'ms', { events: r.events, runs: sizes.foldTimes });
      });
    }
    if (selected.has('backtest')) await backtestGroup(scratch, sizes.backtest, options.repoRoot, add, attempt);
    addRatios(figures, add);
  } finally {
    scratch.cleanup();
  }

  const report: BenchReport = {
    suite: 'robo-trader-bench',
    mode: options.mode,
    date: new Date().toISOString(),
    machine: machineInfo(),
    durationSeconds: (nowMs() - started) / 1000,
    figures,
    targets: [],
  };
  report.targets = evaluateTargets(figures, sizes);
  return report;
}
