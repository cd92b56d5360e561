import { DrawdownPoint, EquityCurvePoint, PerformanceStatistics, performanceTradeProps } from './performance';
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

/** A run's equity curve and drawdown series, computed from its own read models as a live account's performance is. */
export const BacktestEquity = t.named(
  'BacktestEquity',
  t.object({
    runId: t.uuid(),
    accountId: t.uuid({ description: "the run's account in its own log" }),
    from: t.nullable(t.date()),
    to: t.nullable(t.date()),
    capitalPaise: t.paise(),
    statistics: PerformanceStatistics,
    equityCurve: t.array(EquityCurvePoint),
    drawdownSeries: t.array(DrawdownPoint),
  }),
);
export type BacktestEquity = Static<typeof BacktestEquity>;

const priceOrNull = (description: string) => t.nullable(t.number({ description }));

/** One closed trade (a position cycle, flat to flat) with its legs' quantities and average prices, money also as text. */
export const BacktestTrade = t.named(
  'BacktestTrade',
  t.object({
    ...performanceTradeProps,
    entryQuantity: t.integer({ minimum: 0 }),
    entryAveragePricePaise: priceOrNull('volume-weighted average entry price per unit, paise (display only: may have a fraction)'),
    exitQuantity: t.integer({ minimum: 0 }),
    exitAveragePricePaise: priceOrNull('volume-weighted average exit price per unit, paise (display only: may have a fraction)'),
    entryPriceText: t.nullable(t.string()),
    exitPriceText: t.nullable(t.string()),
    realizedGrossText: t.string({ description: 'the gross P&L in rupees, e.g. "Rs 200.00"' }),
    feesText: t.string(),
    realizedNetText: t.string(),
  }),
);
export type BacktestTrade = Static<typeof BacktestTrade>;

export const BacktestTradeList = t.named('BacktestTradeList', t.object({ runId: t.uuid(), items: t.array(BacktestTrade) }));
export type BacktestTradeList = Static<typeof BacktestTradeList>;
