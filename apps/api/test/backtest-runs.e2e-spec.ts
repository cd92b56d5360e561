import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { correlationTree, explainFigure, portfolioAsOf } from '@robo/audit';
import { logHash, readRun, runDir } from '@robo/backtest';
import { accountStream, positionStreamName } from '@robo/domain';
import { SqliteEventStore } from '@robo/event-store';
import { accountPerformance, AUDIT_COLLECTION, readAccountPerformanceDocs, readPortfolio } from '@robo/read-models';
import { openReadStoreReadOnly } from '@robo/runtime';
import { BACKTEST_ACCOUNT_ID } from '../src/backtests/run-backtest';
import { envelopeToJson } from '../src/queries/log-queries';
import { robo, workbench } from './backtest-fixtures';
import { startPaperApp } from './paper-fixtures';
import type { TestApp } from './test-app';

type Run = { runId: string; hash: string };

/** The bytes of every file of a run's folder. */
function folderBytes(dir: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .filter((f) => !f.endsWith('-shm') && !f.endsWith('-wal'))
      .sort()
      .map((f) => [f, createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex')]),
  );
}

/** The run's stores opened here, directly from its folder, to compute what the api must answer. */
async function withRunStores<T>(dir: string, work: (stores: { events: SqliteEventStore; reads: ReturnType<typeof openReadStoreReadOnly> }) => Promise<T>): Promise<T> {
  const events = SqliteEventStore.open({ file: path.join(dir, 'events.db'), readOnly: true });
  const reads = openReadStoreReadOnly(dir);
  try {
    return await work({ events, reads });
  } finally {
    await reads.close();
    await events.close();
  }
}

describe("a backtest run's contents over HTTP, read from its own folder", () => {
  let t: TestApp;
  let dataDir: string;
  const runs: Run[] = [];
  const before: Record<string, string>[] = [];

  beforeAll(async () => {
    const bench = workbench('robo-backtest-runs-e2e-');
    dataDir = bench.env.DATA_DIR;
    runs.push(JSON.parse(await robo(bench.env, ['backtest', 'run', 'hold-bars', '--params', '{"instrument":"INFY","quantity":10,"holdBars":2}', ...bench.csvOptions])));
    runs.push(JSON.parse(await robo(bench.env, ['backtest', 'run', 'hold-bars', '--params', '{"instrument":"INFY","quantity":20,"holdBars":1}', ...bench.csvOptions])));
    for (const run of runs) before.push(folderBytes(runDir(dataDir, run.runId)));
    t = await startPaperApp(bench.env);
  });
  afterAll(async () => t?.close());

  const dirOf = (i: number) => runDir(dataDir, runs[i].runId);

  it('GET /api/backtests/:runId answers the run as recorded: kind, parameters, data, hash, statistics', async () => {
    const res = await t.api.get(`/api/backtests/${runs[0].runId}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(readRun(dataDir, runs[0].runId));
    expect(res.body).toMatchObject({ kind: 'hold-bars', parameters: { quantity: 10, holdBars: 2 }, data: { source: 'csv', symbol: 'INFY', bars: 5 }, hash: runs[0].hash });
  });

  it("/equity is the performance computation of the run's read models: equity curve, drawdowns, statistics", async () => {
    const res = await t.api.get(`/api/backtests/${runs[0].runId}/equity`);
    expect(res.status).toBe(200);
    const report = await withRunStores(dirOf(0), async ({ reads }) => accountPerformance(await readAccountPerformanceDocs(reads, BACKTEST_ACCOUNT_ID)));
    expect(res.body).toEqual({ runId: runs[0].runId, accountId: BACKTEST_ACCOUNT_ID, from: report.from, to: report.to, capitalPaise: 10_000_000, statistics: report.statistics, equityCurve: report.equityCurve, drawdownSeries: report.drawdownSeries });
    // Start capital 1,00,000.00, then the day's close after the round trip's net 183.73.
    expect(res.body.equityCurve.map((p: { kind: string; equityPaise: number }) => [p.kind, p.equityPaise])).toEqual([
      ['START', 10_000_000],
      ['CLOSE', 10_000_000 + 18_373],
    ]);
  });

  it('/trades lists the round trip with its legs: 10 bought at 1,520.00, sold at 1,540.00, net Rs 183.73', async () => {
    const res = await t.api.get(`/api/backtests/${runs[0].runId}/trades`);
    expect(res.status).toBe(200);
    const report = await withRunStores(dirOf(0), async ({ reads }) => accountPerformance(await readAccountPerformanceDocs(reads, BACKTEST_ACCOUNT_ID)));
    expect(res.body.items).toHaveLength(report.trades.length);
    expect(res.body.items[0]).toEqual({
      ...report.trades[0],
      entryQuantity: 10,
      entryAveragePricePaise: 152_000,
      exitQuantity: 10,
      exitAveragePricePaise: 154_000,
      entryPriceText: 'Rs 1,520.00',
      exitPriceText: 'Rs 1,540.00',
      realizedGrossText: 'Rs 200.00',
      feesText: 'Rs 16.27',
      realizedNetText: 'Rs 183.73',
    });
    expect(res.body.items[0]).toMatchObject({ instrument: 'INFY', direction: 'LONG', realizedGrossPaise: 20_000, feesPaise: 1_627, realizedNetPaise: 18_373 });
  });

  it("/audit, /streams/:stream/events, /portfolio and /lineage answer what the live queries give on the run's stores", async () => {
    const id = runs[1].runId;
    const [audit, fills, stream, asOf, end, cash] = await Promise.all([
      t.api.get(`/api/backtests/${id}/audit?limit=200`),
      t.api.get(`/api/backtests/${id}/audit?type=OrderFilled`),
      t.api.get(`/api/backtests/${id}/streams/${positionStreamName(BACKTEST_ACCOUNT_ID, 'INFY')}/events`),
      t.api.get(`/api/backtests/${id}/portfolio?asOf=2026-11-20T09:17:30%2B05:30&time=business`),
      t.api.get(`/api/backtests/${id}/portfolio`),
      t.api.get(`/api/backtests/${id}/lineage?figure=cash`),
    ]);
    for (const res of [audit, fills, stream, asOf, end, cash]) expect(res.status).toBe(200);
    const expected = await withRunStores(dirOf(1), async ({ events, reads }) => ({
      audit: await AUDIT_COLLECTION.find(reads, { where: {}, orderBy: { field: 'position', direction: 'asc' }, limit: 200, cursor: null }),
      fills: await AUDIT_COLLECTION.find(reads, { where: { type: 'OrderFilled' }, orderBy: { field: 'position', direction: 'asc' }, limit: 50, cursor: null }),
      stream: (await events.readStream(positionStreamName(BACKTEST_ACCOUNT_ID, 'INFY'))).map(envelopeToJson),
      asOf: await portfolioAsOf(events, BACKTEST_ACCOUNT_ID, '2026-11-20T09:17:30+05:30', 'business'),
      end: await readPortfolio(reads, BACKTEST_ACCOUNT_ID),
      cash: await explainFigure(events, BACKTEST_ACCOUNT_ID, 'cash', { limit: 1000 }),
      events: (await logHash(events)).events,
    }));
    expect(audit.body).toEqual(JSON.parse(JSON.stringify(expected.audit)));
    expect(audit.body.items).toHaveLength(expected.events);
    expect(fills.body).toEqual(JSON.parse(JSON.stringify(expected.fills)));
    expect(fills.body.items.map((e: { type: string }) => e.type)).toEqual(['OrderFilled', 'OrderFilled']);
    expect(stream.body).toEqual({ stream: positionStreamName(BACKTEST_ACCOUNT_ID, 'INFY'), events: JSON.parse(JSON.stringify(expected.stream)), nextFromRevision: null });
    expect(stream.body.events.map((e: { type: string }) => e.type)).toEqual(['PositionOpened', 'PositionClosed']);
    // 09:17:30: bought at 09:17's bar (20 at 1,520.00), not yet sold.
    expect(asOf.body).toEqual(JSON.parse(JSON.stringify(expected.asOf)));
    expect(asOf.body.positions.map((p: { instrument: string; quantity: number }) => [p.instrument, p.quantity])).toEqual([['INFY', 20]]);
    expect(end.body).toEqual(JSON.parse(JSON.stringify(expected.end)));
    expect(cash.body).toEqual(JSON.parse(JSON.stringify(expected.cash)));
    expect(cash.body.value).toBe(10_000_000 + 20_000 - 1_277 - 1_959);
  });

  it("/audit/correlations/:id is the causal tree of a correlation of the run's log", async () => {
    const id = runs[0].runId;
    const fills = await t.api.get(`/api/backtests/${id}/audit?type=OrderFilled`);
    const correlationId = fills.body.items[0].correlationId as string;
    const res = await t.api.get(`/api/backtests/${id}/audit/correlations/${encodeURIComponent(correlationId)}`);
    expect(res.status).toBe(200);
    const expected = await withRunStores(dirOf(0), async ({ events }) => correlationTree(correlationId, (await events.readAll({ maxCount: 10_000 })).filter((e) => e.metadata.correlationId === correlationId)));
    expect(res.body).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(JSON.stringify(res.body)).toContain('"OrderFilled"');
    const unknown = await t.api.get(`/api/backtests/${id}/audit/correlations/no-such-correlation`);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'CORRELATION_NOT_FOUND']);
    const tooLong = await t.api.get(`/api/backtests/${id}/audit/correlations/${'x'.repeat(201)}`);
    expect([tooLong.status, tooLong.body.code]).toEqual([400, 'INVALID_ID']);
  });

  it('an unknown run answers 404 BACKTEST_NOT_FOUND, a malformed id 400 INVALID_ID, bad parameters 400', async () => {
    const unknown = '0193a5c2-7d1e-7abc-8def-0123456789ab';
    for (const suffix of ['', '/equity', '/trades', '/audit', '/portfolio', '/lineage?figure=cash', '/audit/correlations/c1', `/streams/${accountStream(BACKTEST_ACCOUNT_ID)}/events`]) {
      const missing = await t.api.get(`/api/backtests/${unknown}${suffix}`);
      expect([suffix, missing.status, missing.body.code]).toEqual([suffix, 404, 'BACKTEST_NOT_FOUND']);
      const malformed = await t.api.get(`/api/backtests/not-a-run${suffix}`);
      expect([suffix, malformed.status, malformed.body.code]).toEqual([suffix, 400, 'INVALID_ID']);
    }
    const id = runs[0].runId;
    const bad = await Promise.all([
      t.api.get(`/api/backtests/${id}/audit?limit=0`),
      t.api.get(`/api/backtests/${id}/audit?minPosition=3`),
      t.api.get(`/api/backtests/${id}/portfolio?asOf=yesterday`),
      t.api.get(`/api/backtests/${id}/portfolio?time=business`),
      t.api.get(`/api/backtests/${id}/lineage?figure=nonsense`),
      t.api.get(`/api/backtests/${id}/lineage?figure=cash&accountId=${BACKTEST_ACCOUNT_ID}`),
    ]);
    expect(bad.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400]);
    const untraded = await t.api.get(`/api/backtests/${id}/lineage?figure=realized:TCS`);
    expect(untraded.status).toBe(404);
  });

  it("after every read each run's folder holds the same bytes, and its log still hashes to the recorded hash", async () => {
    for (const [i, run] of runs.entries()) {
      expect(folderBytes(dirOf(i))).toEqual(before[i]);
      const hash = await withRunStores(dirOf(i), async ({ events }) => (await logHash(events)).hash);
      expect(hash).toBe(run.hash);
    }
  });
});
