import type { ClosedTrade, IstDate, Period, TradeStatistics } from '@robo/domain';
import type { AccountDayDoc } from '../projections/account-performance.projection';
import type { DailyCloseDoc } from '../projections/daily-closes.projection';
import type { PositionCycleDoc } from '../projections/positions.projection';
import type { StrategyDayDoc } from '../projections/strategy-performance.projection';

/* What a performance query takes and returns: the report's shape, the inputs it is composed from (performance.ts). */

export interface PerformanceOptions {
  /** First IST date reported (inclusive). */
  from?: IstDate;
  /** Last IST date reported (inclusive); later documents are ignored. */
  to?: IstDate;
  /** Annual risk-free rate as a fraction (0.065 = 6.5 % a year); default 0. */
  riskFreeRate?: number;
  /**
   * Strategies: the capital they are measured against (equity = capital + P&L); default the strategy's own
   * capitalAllocationPaise. Without either, return-based figures are null.
   */
  capitalPaise?: number;
  /** Dates to put on the curve even without activity or a close, e.g. every session of the market calendar. */
  tradingDays?: readonly IstDate[];
}

/** A closed position cycle. */
export interface PerformanceTrade extends ClosedTrade {
  cycle: number;
  direction: 'LONG' | 'SHORT';
  /** Largest absolute quantity held in the cycle. */
  maxQuantity: number;
  /** IST date of the close: what the window and the periods go by. */
  closedOn: IstDate;
}

export interface EquityCurvePoint {
  date: IstDate;
  /** START: the equity the window starts from (before that date's activity); CLOSE: at the date's close. */
  kind: 'START' | 'CLOSE';
  /** cash + marketValue. */
  equityPaise: number;
  cashPaise: number;
  /** Σ quantity x close (a short counts negative). */
  marketValuePaise: number;
  /** Σ |quantity x close|. */
  grossExposurePaise: number;
  /** Deposits - withdrawals of the day (the opening cash on the opening day); 0 for strategies. */
  flowsPaise: number;
  /** Held at the close without any close price yet: valued at average cost. */
  unpricedInstruments: string[];
}

export interface StrategyCurvePoint extends EquityCurvePoint {
  /** Since the strategy's first fill, up to this date. */
  realizedNetPaise: number;
  feesPaise: number;
}

export interface DrawdownPoint {
  date: IstDate;
  drawdownPaise: number;
  /** Null when there is no equity base (a strategy without capitalPaise). */
  drawdown: number | null;
}

export interface PerformanceStatistics extends TradeStatistics {
  /** Closes on the curve in the window (the start point is not a day). */
  days: number;
  startEquityPaise: number | null;
  endEquityPaise: number | null;
  netFlowsPaise: number;
  /** end - start - net flows: realized and unrealized, after charges. */
  profitPaise: number;
  totalReturn: number | null;
  cagr: number | null;
  maxDrawdownPaise: number;
  maxDrawdown: number | null;
  currentDrawdownPaise: number;
  currentDrawdown: number | null;
  volatility: number | null;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
  exposure: number | null;
  riskFreeRate: number;
}

export interface PeriodPerformance {
  /** Trades closed in the period. */
  trades: TradeStatistics;
  /** Σ (E_t - F_t - E_{t-1}) over the period's days that have a previous day in the window. */
  profitPaise: number;
  /** Π (1 + r_t) - 1 over the same days; null when none has a return. */
  return: number | null;
}

export interface OpenHolding {
  instrument: string;
  quantity: number;
  costBasisPaise: number;
  /** Null when no close is known yet (valued at average cost). */
  closePricePaise: number | null;
  closeDate: IstDate | null;
  marketValuePaise: number;
}

export interface PerformanceReport<P extends EquityCurvePoint = EquityCurvePoint> {
  /** First and last date of the curve in the window (null when it is empty). */
  from: IstDate | null;
  to: IstDate | null;
  statistics: PerformanceStatistics;
  equityCurve: P[];
  drawdownSeries: DrawdownPoint[];
  /** Trades closed in the window, in the order they closed. */
  trades: PerformanceTrade[];
  byInstrument: Record<string, TradeStatistics>;
  /** Keys: `2026-11-20`, ISO week `2026-W47`, month `2026-11` (periodKey). */
  byPeriod: Record<Period, Record<string, PeriodPerformance>>;
  /** Holdings at the last close of the window. */
  openPositions: OpenHolding[];
  /** Why a figure is missing or approximate. */
  notes: string[];
}

export interface AccountPerformanceInput {
  accountId: string;
  /** Every account_days document of the account. */
  days: readonly AccountDayDoc[];
  /** The account's position_cycles documents (open ones are ignored). */
  cycles: readonly PositionCycleDoc[];
  /** daily_closes of the instruments the account traded (others are ignored). */
  closes: readonly DailyCloseDoc[];
  options?: PerformanceOptions;
}

export interface StrategyPerformanceInput {
  strategyId: string;
  /** The registered strategy's capital allocation: the default base of its returns. */
  capitalAllocationPaise?: number | null;
  /** Every strategy_days document of the strategy. */
  days: readonly StrategyDayDoc[];
  closes: readonly DailyCloseDoc[];
  options?: PerformanceOptions;
}

/** What one date changed: the curve is the running sum of these. */
export interface LedgerDay {
  date: IstDate;
  cashChangePaise: number;
  flowsPaise: number;
  positions: readonly { instrument: string; quantityChange: number; costChangePaise: number }[];
  realizedNetPaise: number;
  feesPaise: number;
}
