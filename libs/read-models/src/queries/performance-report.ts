import { breakdown, dailyReturn, equityStatistics, periodKey, tradeStatistics, type IstDate, type Period } from '@robo/domain';
import { byText, withStart, type CurveRow } from './equity-curve';
import type { ValidOptions } from './performance-options';
import type { EquityCurvePoint, PerformanceReport, PerformanceStatistics, PerformanceTrade, PeriodPerformance } from './performance.types';

/* The report over a window of the curve: statistics, drawdowns, per-instrument and per-period figures, notes. */

const finite = (value: number | null): number | null => (value === null || Number.isFinite(value) ? value : null);

function unpricedNotes(points: readonly EquityCurvePoint[]): string[] {
  const days = new Map<string, IstDate[]>();
  for (const p of points) for (const instrument of p.unpricedInstruments) days.set(instrument, [...(days.get(instrument) ?? []), p.date]);
  return [...days.entries()].map(
    ([instrument, dates]) => `${instrument} had no close price on ${dates.length} day(s) (${dates[0]} to ${dates[dates.length - 1]}): valued at its average cost`,
  );
}

function byPeriodOf(points: readonly EquityCurvePoint[], trades: readonly PerformanceTrade[], withReturns: boolean): Record<Period, Record<string, PeriodPerformance>> {
  const result = {} as Record<Period, Record<string, PeriodPerformance>>;
  for (const period of ['day', 'week', 'month'] as const) {
    const keys = [...new Set([...points.map((p) => periodKey(p.date, period)), ...trades.map((t) => periodKey(t.closedOn, period))])].sort(byText);
    const entries = keys.map((key): [string, PeriodPerformance] => {
      let profit = 0;
      let growth = 1;
      let returns = 0;
      for (let i = 1; i < points.length; i++) {
        if (periodKey(points[i].date, period) !== key) continue;
        const { equityPaise, flowsPaise } = points[i];
        profit += equityPaise - flowsPaise - points[i - 1].equityPaise;
        const r = dailyReturn(points[i - 1].equityPaise, equityPaise, flowsPaise);
        if (r !== null) {
          growth *= 1 + r;
          returns++;
        }
      }
      const closed = trades.filter((t) => periodKey(t.closedOn, period) === key);
      return [key, { trades: tradeStatistics(closed), profitPaise: profit, return: withReturns && returns > 0 ? growth - 1 : null }];
    });
    result[period] = Object.fromEntries(entries);
  }
  return result;
}

/**
 * The report over the window. withReturns is false when the curve has no equity base (a strategy without capital):
 * every figure that divides by equity is then null rather than a ratio of P&L to P&L.
 */
export function report<P extends EquityCurvePoint>(
  rows: readonly CurveRow[],
  allTrades: readonly PerformanceTrade[],
  options: ValidOptions,
  pick: (row: CurveRow) => P,
  withReturns: boolean,
  baseNotes: readonly string[],
  cashBase: number,
): PerformanceReport<P> {
  const { from, to, riskFreeRate } = options;
  const window = rows.filter((r) => from === undefined || r.point.date >= from);
  const before = rows.filter((r) => from !== undefined && r.point.date < from);
  const points = withStart(window.map(pick), before.length > 0 ? pick(before[before.length - 1]) : null, cashBase);
  const closes = points.filter((p) => p.kind === 'CLOSE');
  const trades = allTrades
    .filter((t) => (from === undefined || t.closedOn >= from) && (to === undefined || t.closedOn <= to))
    .sort((a, b) => Date.parse(a.closedAt) - Date.parse(b.closedAt));
  const eq = equityStatistics(
    points.map((p) => ({ date: p.date, kind: p.kind, equityPaise: p.equityPaise, exposurePaise: p.grossExposurePaise, flowsPaise: p.flowsPaise })),
    riskFreeRate,
  );
  const ratio = (value: number | null) => (withReturns ? finite(value) : null);
  const statistics: PerformanceStatistics = {
    ...tradeStatistics(trades),
    days: closes.length,
    startEquityPaise: eq.startEquityPaise,
    endEquityPaise: eq.endEquityPaise,
    netFlowsPaise: eq.netFlowsPaise,
    profitPaise: eq.profitPaise,
    totalReturn: ratio(eq.totalReturn),
    cagr: ratio(eq.cagr),
    maxDrawdownPaise: eq.maxDrawdownPaise,
    maxDrawdown: ratio(eq.maxDrawdown),
    currentDrawdownPaise: eq.currentDrawdownPaise,
    currentDrawdown: ratio(eq.currentDrawdown),
    volatility: ratio(eq.volatility),
    sharpe: ratio(eq.sharpe),
    sortino: ratio(eq.sortino),
    calmar: ratio(eq.calmar),
    exposure: ratio(eq.exposure),
    riskFreeRate,
  };
  const notes = [...baseNotes, ...unpricedNotes(points)];
  if (closes.length === 0) notes.push('no activity in the window');
  else if (closes.length === 1) notes.push('one day in the window: volatility, Sharpe and Sortino need two or more daily returns');
  return {
    from: closes[0]?.date ?? null,
    to: closes[closes.length - 1]?.date ?? null,
    statistics,
    equityCurve: points,
    drawdownSeries: eq.drawdownSeries.map((d) => ({ date: d.date, drawdownPaise: d.drawdownPaise, drawdown: withReturns ? d.drawdown : null })),
    trades,
    byInstrument: breakdown(trades, (t) => t.instrument),
    byPeriod: byPeriodOf(points, trades, withReturns),
    openPositions: window.length > 0 ? window[window.length - 1].holdings : [],
    notes,
  };
}
