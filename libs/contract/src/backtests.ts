import { PerformanceStatistics } from './performance';
import { t, type Static } from './schema';

/** One finished backtest run (docs/strategies.md): what was run, on which data, the hash of its log, its statistics. */
export const BacktestRun = t.named(
  'BacktestRun',
  t.object({
    runId: t.uuid(),
    createdAt: t.instant({ description: 'wall-clock time the run was made (not part of its log)' }),
    kind: t.string(),
    parameters: t.anyObject(),
    from: t.instant(),
    to: t.instant(),
    data: t.anyObject({ description: '{ source: "csv", file, symbol, bars } or { source: "simulator", seed, stepSeconds }' }),
    capitalPaise: t.paise(),
    slippageBps: t.integer(),
    fillFractionPct: t.integer(),
    hash: t.string({ description: 'sha256 (hex) of the run\'s canonical event log' }),
    events: t.integer({ minimum: 0 }),
    steps: t.integer({ minimum: 0 }),
    statistics: PerformanceStatistics,
  }),
);
export type BacktestRun = Static<typeof BacktestRun>;

export const BacktestRunList = t.named('BacktestRunList', t.object({ items: t.array(BacktestRun) }));
export type BacktestRunList = Static<typeof BacktestRunList>;

export const PromoteBacktestBody = t.named(
  'PromoteBacktestBody',
  t.object({ accountId: t.uuid(), name: t.string({ maxLength: 100 }), capitalAllocationPaise: t.paise({ minimum: 1 }) }, ['capitalAllocationPaise']),
);
export type PromoteBacktestBody = Static<typeof PromoteBacktestBody>;
