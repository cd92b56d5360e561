import { istTradingDay } from '@robo/domain';
import type { PositionCycleDoc } from '../projections/positions.projection';
import { buildCurve, type CurveRow } from './equity-curve';
import { validated } from './performance-options';
import { report } from './performance-report';
import type { AccountPerformanceInput, EquityCurvePoint, LedgerDay, PerformanceReport, PerformanceTrade, StrategyCurvePoint, StrategyPerformanceInput } from './performance.types';
import { replayStrategy } from './strategy-replay';

export * from './performance.types';
export { replayStrategy, type StrategyReplay } from './strategy-replay';

/*
 * Performance of an account or a strategy, composed from read-model documents. Pure: the caller reads the documents
 * (performance-reader.ts does it through the DocumentReader port) and passes them all, from inception: balances are
 * sums of daily changes, so the days before `from` still count; from/to only choose the window that is reported.
 * The parts: options (performance-options.ts), the curve (equity-curve.ts), a strategy's fills replayed into virtual
 * positions (strategy-replay.ts), the report over the window (performance-report.ts), the shapes (performance.types.ts).
 *
 * Formulas (money in integer paise; E = equity at a day's close, F = that day's external flows):
 *   equity E_t                = cash_t + Σ_i q_i,t x close_i,t  (q signed: a short is a negative value, its proceeds are in cash),
 *                               valued by the domain's markHolding (libs/domain/src/portfolio), as the portfolio is
 *   close_i,t                 = the last market price the feed recorded for instrument i on the latest date <= t that has
 *                               one (carried forward; never a fill); a holding with no close yet is valued at its average
 *                               cost: sign(q) x costBasis (flagged)
 *   start point E_0           = the equity the window starts from, first on the curve (kind START): at inception the money
 *                               put in on the first day (an account) or the capital (a strategy: capitalPaise, else its
 *                               capitalAllocationPaise); for a later window the close before it. So the first day's
 *                               P&L, return and drawdown count, from day one.
 *   gross exposure            = Σ_i |q_i,t x close_i,t|;  exposure = mean over days of gross exposure / E_t (E_t > 0)
 *   daily return r_t          = (E_t - F_t) / E_{t-1} - 1   (time-weighted: a deposit is not a gain, a withdrawal not a loss)
 *   total return              = Π (1 + r_t) - 1;  CAGR = (1 + total return)^(252 / N) - 1, N = number of daily returns
 *   volatility                = sample stdev(r) x √252;  Sharpe = (mean(r) - rf/252) / stdev(r) x √252
 *   Sortino                   = (mean(r) - rf/252) / √(Σ min(0, r - rf/252)² / N) x √252;  Calmar = CAGR / max drawdown
 *   P&L curve                 = E_t - E_first - Σ F (after the first day);  drawdown paise = running peak of it - it
 *   drawdown fraction         = 1 - I_t / running peak of I, I_t = Π (1 + r_s)
 *   trade statistics          = tradeStatistics (libs/domain/src/performance/statistics.ts) over trades closed in the window:
 *                               a trade is one position cycle, flat to flat; net = gross - charges of both legs
 * The start point is the base: at inception the first day's flows are in it (they arrived before the first close).
 */

const accountPoint = ({ point }: CurveRow): EquityCurvePoint => ({
  date: point.date,
  kind: point.kind,
  equityPaise: point.equityPaise,
  cashPaise: point.cashPaise,
  marketValuePaise: point.marketValuePaise,
  grossExposurePaise: point.grossExposurePaise,
  flowsPaise: point.flowsPaise,
  unpricedInstruments: point.unpricedInstruments,
});

/** An account's performance: equity = its cash + its positions at the closes; trades = its closed position cycles. */
export function accountPerformance(input: AccountPerformanceInput): PerformanceReport<EquityCurvePoint> {
  const options = validated(input.options);
  const foreign = [...input.days, ...input.cycles].find((d) => d.accountId !== input.accountId);
  if (foreign) throw new RangeError(`a document of account ${foreign.accountId} was passed for account ${input.accountId}`);
  const ledger: LedgerDay[] = input.days.map((d) => ({
    date: d.date,
    cashChangePaise: d.cashChangePaise,
    flowsPaise: d.netFlowsPaise,
    positions: d.positions,
    realizedNetPaise: d.realizedNetPaise,
    feesPaise: d.feesPaise,
  }));
  const trades: PerformanceTrade[] = input.cycles
    .filter((c): c is PositionCycleDoc & { closedAt: string } => c.status === 'CLOSED' && c.closedAt !== null)
    .map((c) => ({
      instrument: c.instrument,
      openedAt: c.openedAt,
      closedAt: c.closedAt,
      realizedGrossPaise: c.realizedGrossPaise,
      feesPaise: c.feesPaise,
      realizedNetPaise: c.realizedNetPaise,
      cycle: c.cycle,
      direction: c.direction,
      maxQuantity: c.maxAbsQuantity,
      closedOn: istTradingDay(c.closedAt),
    }));
  const rows = buildCurve(ledger, input.closes, options.tradingDays, options.to, 0);
  return report(rows, trades, options, accountPoint, true, [], 0);
}

/**
 * A strategy's performance: its fills replayed into virtual positions (replayStrategy), equity = capital + cash moved
 * by its fills + its holdings at the closes. The capital is capitalPaise when given, else the strategy's own
 * capitalAllocationPaise. Without either the curve is its P&L (capital 0) and every figure that divides by equity is null.
 */
export function strategyPerformance(input: StrategyPerformanceInput): PerformanceReport<StrategyCurvePoint> {
  const options = validated(input.options);
  const allocation = input.capitalAllocationPaise;
  const capital = options.capitalPaise ?? (typeof allocation === 'number' && Number.isSafeInteger(allocation) && allocation > 0 ? allocation : undefined);
  const replay = replayStrategy(input.strategyId, input.days);
  const rows = buildCurve(replay.days, input.closes, options.tradingDays, options.to, capital ?? 0);
  const withReturns = capital !== undefined;
  const notes = withReturns
    ? []
    : [
        'no capital: the strategy has no capitalAllocationPaise and no capitalPaise was given, so the curve is its P&L and total return, ' +
          'CAGR, volatility, Sharpe, Sortino, Calmar, exposure and drawdown fractions are null; pass the capital it trades with to get them',
      ];
  return report(rows, replay.trades, options, (row) => row.point, withReturns, notes, capital ?? 0);
}
