import { t, type Static } from './schema';

const ratio = (description?: string) => t.nullable(t.number(description ? { description } : {}));
const money = () => t.paise();
const moneyOrNull = () => t.nullable(t.paise());

/** Statistics of closed trades (position cycles, flat to flat); null where a figure is not defined (no losses, no trades). */
const tradeProps = {
  tradeCount: t.integer({ minimum: 0 }),
  wins: t.integer({ minimum: 0 }),
  losses: t.integer({ minimum: 0 }),
  grossPnlPaise: money(),
  feesPaise: money(),
  netPnlPaise: money(),
  grossWinsPaise: money(),
  grossLossesPaise: money(),
  winRate: ratio('wins / trades'),
  lossRate: ratio(),
  averageWinPaise: t.nullable(t.number()),
  averageLossPaise: t.nullable(t.number()),
  bestTradePaise: moneyOrNull(),
  worstTradePaise: moneyOrNull(),
  profitFactor: ratio(),
  expectancyPaise: t.nullable(t.number()),
  payoffRatio: ratio(),
  maxConsecutiveWins: t.integer({ minimum: 0 }),
  maxConsecutiveLosses: t.integer({ minimum: 0 }),
  averageHoldingSeconds: t.nullable(t.number()),
};
export const TradeStatistics = t.named('TradeStatistics', t.object(tradeProps));
export type TradeStatistics = Static<typeof TradeStatistics>;

export const PerformanceStatistics = t.named(
  'PerformanceStatistics',
  t.object({
    ...tradeProps,
    days: t.integer({ minimum: 0 }),
    startEquityPaise: moneyOrNull(),
    endEquityPaise: moneyOrNull(),
    netFlowsPaise: money(),
    profitPaise: money(),
    totalReturn: ratio(),
    cagr: ratio(),
    maxDrawdownPaise: money(),
    maxDrawdown: ratio(),
    currentDrawdownPaise: money(),
    currentDrawdown: ratio(),
    volatility: ratio(),
    sharpe: ratio(),
    sortino: ratio(),
    calmar: ratio(),
    exposure: ratio(),
    riskFreeRate: t.number(),
  }),
);
export type PerformanceStatistics = Static<typeof PerformanceStatistics>;

const curveProps = {
  date: t.date(),
  kind: t.enum(['START', 'CLOSE'], { description: 'START: the equity the window starts from; CLOSE: at the close of the date' }),
  equityPaise: money(),
  cashPaise: money(),
  marketValuePaise: money(),
  grossExposurePaise: money(),
  flowsPaise: money(),
  unpricedInstruments: t.array(t.string()),
};
export const EquityCurvePoint = t.named('EquityCurvePoint', t.object(curveProps));
export type EquityCurvePoint = Static<typeof EquityCurvePoint>;
export const StrategyCurvePoint = t.named('StrategyCurvePoint', t.object({ ...curveProps, realizedNetPaise: money(), feesPaise: money() }));
export type StrategyCurvePoint = Static<typeof StrategyCurvePoint>;

export const DrawdownPoint = t.named('DrawdownPoint', t.object({ date: t.date(), drawdownPaise: money(), drawdown: ratio() }));
export type DrawdownPoint = Static<typeof DrawdownPoint>;

/** A closed trade's fields: also the first fields of a backtest's trade list (BacktestTrade). */
export const performanceTradeProps = {
  instrument: t.string(),
  openedAt: t.instant(),
  closedAt: t.instant(),
  realizedGrossPaise: money(),
  feesPaise: money(),
  realizedNetPaise: money(),
  cycle: t.integer(),
  direction: t.enum(['LONG', 'SHORT']),
  maxQuantity: t.integer(),
  closedOn: t.date(),
};
export const PerformanceTrade = t.named('PerformanceTrade', t.object(performanceTradeProps));
export type PerformanceTrade = Static<typeof PerformanceTrade>;

export const PeriodPerformance = t.named('PeriodPerformance', t.object({ trades: TradeStatistics, profitPaise: money(), return: ratio() }));
export type PeriodPerformance = Static<typeof PeriodPerformance>;

export const OpenHolding = t.named(
  'OpenHolding',
  t.object({
    instrument: t.string(),
    quantity: t.integer(),
    costBasisPaise: money(),
    closePricePaise: moneyOrNull(),
    closeDate: t.nullable(t.date()),
    marketValuePaise: money(),
  }),
);

const reportProps = {
  from: t.nullable(t.date()),
  to: t.nullable(t.date()),
  statistics: PerformanceStatistics,
  drawdownSeries: t.array(DrawdownPoint),
  trades: t.array(PerformanceTrade),
  byInstrument: t.record(TradeStatistics),
  byPeriod: t.object({ day: t.record(PeriodPerformance), week: t.record(PeriodPerformance), month: t.record(PeriodPerformance) }, ['day', 'week', 'month'], {
    description: 'keys 2026-11-20, 2026-W47, 2026-11; with period= only that one',
  }),
  openPositions: t.array(OpenHolding),
  notes: t.array(t.string(), { description: 'why a figure is missing (null) or approximate' }),
};

export const AccountPerformance = t.named('AccountPerformance', t.object({ accountId: t.uuid(), ...reportProps, equityCurve: t.array(EquityCurvePoint) }));
export type AccountPerformance = Static<typeof AccountPerformance>;

export const StrategyPerformance = t.named(
  'StrategyPerformance',
  t.object({ strategyId: t.string(), accountIds: t.array(t.uuid()), ...reportProps, equityCurve: t.array(StrategyCurvePoint) }),
);
export type StrategyPerformance = Static<typeof StrategyPerformance>;

/** Any performance answer, as the dashboard's shared views read it. */
export type Performance = AccountPerformance | StrategyPerformance;
export type Statistics = PerformanceStatistics;
