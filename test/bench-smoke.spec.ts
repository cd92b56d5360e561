import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { toMarkdown, writeReport, type BenchReport } from '../bench/harness/report';
import { runSuite, type Sizes } from '../bench/harness/suite';

/** Tiny sizes: this only proves that the harness runs and writes well-formed results, never how fast anything is. */
const TINY: Sizes = {
  appendWriters: [1, 4],
  appendSeconds: 0.2,
  warmupSeconds: 0.05,
  batchSeconds: 0.2,
  rawRows: 500,
  rawSeconds: 0.1,
  peerWriters: 4,
  peerSeconds: 0.2,
  httpConnections: 2,
  httpSeconds: 1,
  httpWarmupSeconds: 0,
  liveCommands: 5,
  httpSplit: false,
  logEvents: 2_000,
  catchUpEvents: 1_000,
  streamLength: 50,
  foldTimes: 3,
  asOfTimes: 2,
  backtest: { from: '2026-11-20', to: '2026-11-20', fastPeriod: 3, slowPeriod: 8 },
};

describe('benchmark harness (smoke)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs tiny workloads against real SQLite files and writes a well-formed results file', async () => {
    const report = await runSuite({
      mode: 'custom',
      sizes: TINY,
      workloads: ['append', 'batch', 'raw', 'peer', 'projection', 'rebuild', 'replay'],
      repoRoot: path.resolve(__dirname, '..'),
      scratchParent: dir,
    });
    const jsonFile = path.join(dir, 'out', 'results.json');
    const mdFile = path.join(dir, 'out', 'results.md');
    writeReport(report, jsonFile, mdFile);

    const read = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as BenchReport;
    expect(read).toMatchObject({ suite: 'robo-trader-bench', mode: 'custom', machine: { node: process.version, nodeFlags: process.execArgv, cores: os.cpus().length } });
    expect(typeof read.machine.cpuModel).toBe('string');
    expect(Number.isNaN(Date.parse(read.date))).toBe(false);

    const byId = new Map(read.figures.map((f) => [f.id, f]));
    const measured = [
      'append.single.w1.rate',
      'append.single.w4.p99',
      'append.single.thread.rate',
      'append.single.inline-checkpoint.rate',
      'append.batch100.rate',
      'raw.single-tx.rate',
      'raw.tx64.rate',
      'peer.append.rate',
      'projection.rate',
      'rebuild.seconds',
      'replay.fold.p50',
      'replay.asof.p50',
      'peer.read.p50',
      'ratio.batch-raw-single',
    ];
    for (const id of measured) {
      const figure = byId.get(id);
      expect({ id, note: figure?.note }).toEqual({ id, note: undefined });
      expect(Number.isFinite(figure?.value)).toBe(true);
    }
    for (const f of read.figures) {
      expect(typeof f.workload).toBe('string');
      expect(typeof f.figure).toBe('string');
      expect(typeof f.unit).toBe('string');
      expect(typeof f.parameters).toBe('object');
      if (f.value === null) expect(f.note).toEqual(expect.any(String));
    }
    // The generated log holds what was asked for, and the as-of replay found the account's positions.
    expect(byId.get('rebuild.seconds')?.parameters.logEvents).toBeGreaterThanOrEqual(TINY.logEvents);
    expect(byId.get('replay.asof.p50')?.parameters.positions).toBeGreaterThan(0);
    expect(byId.get('replay.fold.p50')?.parameters.events).toBe(TINY.streamLength);

    expect(read.targets.length).toBeGreaterThan(10);
    for (const t of read.targets) expect([true, false, null]).toContain(t.met);
    const markdown = fs.readFileSync(mdFile, 'utf8');
    expect(markdown).toContain('| workload | figure | value | unit | parameters |');
    expect(markdown).toContain(toMarkdown(report).split('\n')[2]);
  }, 30_000);
});
