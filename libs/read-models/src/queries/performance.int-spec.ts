import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteEventStore } from '@robo/event-store';
import type { Projection } from '../projection';
import { ALL_PROJECTIONS } from '../projections';
import { accountPerformanceProjection, type AccountDayDoc } from '../projections/account-performance.projection';
import { dailyClosesProjection, type DailyCloseDoc } from '../projections/daily-closes.projection';
import { positionsProjection, type PositionCycleDoc } from '../projections/positions.projection';
import { strategyPerformanceProjection, type StrategyDayDoc } from '../projections/strategy-performance.projection';
import { ProjectionRunner } from '../runner/projection-runner';
import { SqliteReadModelStore } from '../sqlite/sqlite-read-model-store';
import { projectAll } from '../testing/test-log';
import { appendScenario } from '../testing/trading-scenario';
import { accountPerformance, strategyPerformance } from './performance';
import { readAccountPerformanceDocs, readStrategyPerformanceDocs } from './performance-reader';
import { accountScenario, D1, D2, D3, D4, strategyScenario, type PerformanceScenario } from './testing/performance-scenario';

let dir: string;
let n = 0;
const opened: { close(): Promise<void> }[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-performance-'));
});
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Appends the scenario to a real SQLite event store and projects it into a real SQLite read store, in small pages. */
async function projected(scenario: PerformanceScenario) {
  const name = `case-${++n}`;
  const eventStore = SqliteEventStore.open({ file: path.join(dir, `${name}-events.db`), pollIntervalMs: 10 });
  const readStore = SqliteReadModelStore.open({ file: path.join(dir, `${name}-reads.db`) });
  opened.push(readStore, eventStore);
  const head = await appendScenario(eventStore, scenario.entries, randomUUID);
  // Pages of 4 events: a day's document is built over several commits.
  const runner = new ProjectionRunner({ eventStore, readStore, projections: ALL_PROJECTIONS, batchSize: 4 });
  for (const p of ALL_PROJECTIONS) expect((await runner.runOnce(p.name)).checkpoint).toBe(head);
  return { readStore, runner };
}

function inMemory<T>(projection: Projection, collection: string, scenario: PerformanceScenario): T[] {
  return [...(projectAll(projection, scenario.envelopes()).get(collection)?.values() ?? [])].map((d) => d as T);
}

describe('performance over the real runner, SQLite event store and SQLite read store', () => {
  it('gives the hand-computed account figures from the documents read back', async () => {
    const scenario = accountScenario();
    const { readStore, runner } = await projected(scenario);
    const docs = await readAccountPerformanceDocs(readStore, 'acc-1');
    expect(docs.days.map((d) => d.date)).toEqual([D1, D2, D3]);
    expect(docs.cycles.map((c) => [c.instrument, c.status])).toEqual([
      ['RELIANCE', 'CLOSED'],
      ['INFY', 'CLOSED'],
      ['TCS', 'OPEN'],
    ]);
    const report = accountPerformance(docs);

    // The figures of performance.spec.ts, worked out there by hand.
    expect(report.equityCurve.map((p) => [p.date, p.equityPaise, p.cashPaise, p.flowsPaise])).toEqual([
      [D1, 1_000_000, 1_000_000, 1_000_000],
      [D1, 999_920, 699_920, 0],
      [D2, 1_509_860, 1_409_860, 500_000],
      [D3, 1_300_720, 555_720, -200_000],
      [D4, 1_305_720, 555_720, 0],
    ]);
    const s = report.statistics;
    expect([s.tradeCount, s.netPnlPaise, s.feesPaise, s.profitPaise, s.maxDrawdownPaise, s.currentDrawdownPaise]).toEqual([2, 4_820, 180, 5_720, 9_140, 4_140]);
    // growth over the four daily returns, the first against the 1,000,000 put in
    expect(s.totalReturn).toBeCloseTo((999_920 / 1_000_000) * ((1_509_860 - 500_000) / 999_920) * ((1_300_720 + 200_000) / 1_509_860) * (1_305_720 / 1_300_720) - 1, 12);

    // Exactly what the pure functions give over the same log projected in memory.
    const expected = accountPerformance({
      accountId: 'acc-1',
      days: inMemory<AccountDayDoc>(accountPerformanceProjection, 'account_days', scenario).filter((d) => d.accountId === 'acc-1'),
      cycles: inMemory<PositionCycleDoc>(positionsProjection, 'position_cycles', scenario).filter((c) => c.accountId === 'acc-1'),
      closes: inMemory<DailyCloseDoc>(dailyClosesProjection, 'daily_closes', scenario),
    });
    expect(report).toEqual(expected);

    // A rebuild gives byte-identical documents.
    const before = await readStore.checksum('account_days');
    await runner.rebuild('account-performance');
    expect(await readStore.checksum('account_days')).toEqual(before);
  });

  it('gives the hand-computed strategy figures from the documents read back', async () => {
    const scenario = strategyScenario();
    const { readStore, runner } = await projected(scenario);
    const alphaDocs = await readStrategyPerformanceDocs(readStore, 'alpha');
    const betaDocs = await readStrategyPerformanceDocs(readStore, 'beta');
    expect(alphaDocs.days.map((d) => d.date)).toEqual([D1, D2, D3]);
    expect(alphaDocs.closes.map((c) => `${c.instrument} ${c.date} ${c.pricePaise}`)).toEqual([
      'RELIANCE 2026-11-16 20100',
      'RELIANCE 2026-11-17 20300',
      'TCS 2026-11-17 30000',
      'TCS 2026-11-18 29950',
      'TCS 2026-11-19 29500',
    ]);
    expect(await readStore.count('strategy_days')).toBe(5); // the orders without a strategy left nothing

    const alpha = strategyPerformance({ ...alphaDocs, options: { capitalPaise: 1_000_000 } });
    const beta = strategyPerformance({ ...betaDocs, options: { capitalPaise: 500_000 } });
    expect(alpha.equityCurve.map((p) => p.equityPaise)).toEqual([1_000_000, 1_000_950, 1_004_895, 1_004_985, 1_003_635]);
    expect(beta.equityCurve.map((p) => p.equityPaise)).toEqual([500_000, 499_980, 499_145, 499_245, 500_145]);
    expect(alpha.trades.map((t) => [t.instrument, t.direction, t.realizedNetPaise])).toEqual([['RELIANCE', 'LONG', 4_895]]);
    expect(beta.trades.map((t) => [t.instrument, t.direction, t.realizedNetPaise])).toEqual([['RELIANCE', 'SHORT', -840]]);
    expect([alpha.statistics.totalReturn, beta.statistics.totalReturn]).toEqual([expect.closeTo(0.003635, 12), expect.closeTo(0.00029, 12)]);

    const days = inMemory<StrategyDayDoc>(strategyPerformanceProjection, 'strategy_days', scenario);
    const closes = inMemory<DailyCloseDoc>(dailyClosesProjection, 'daily_closes', scenario);
    expect(alpha).toEqual(strategyPerformance({ strategyId: 'alpha', days: days.filter((d) => d.strategyId === 'alpha'), closes, options: { capitalPaise: 1_000_000 } }));
    expect(beta).toEqual(strategyPerformance({ strategyId: 'beta', days: days.filter((d) => d.strategyId === 'beta'), closes, options: { capitalPaise: 500_000 } }));

    const before = await readStore.checksum('strategy_days');
    await runner.rebuild('strategy-performance');
    expect(await readStore.checksum('strategy_days')).toEqual(before);
  });
});
