import {
  breakdown,
  decidePosition,
  equityStatistics,
  evolvePosition,
  initialPositionState,
  isIsoDate,
  dailyReturn,
  periodKey,
  tradeStatistics,
  istTradingDay,
  markHolding,
  type ClosedTrade,
  type IstDate,
  type Period,
  type PositionState,
  type TradeStatistics,
} from '@robo/domain';
import { InvalidQueryError } from '../errors';
import type { AccountDayDoc } from '../projections/account-performance.projection';
import type { DailyCloseDoc } from '../projections/daily-closes.projection';
import type { PositionCycleDoc } from '../projections/positions.projection';
import type { StrategyDayDoc } from '../projections/strategy-performance.projection';

/*
 * Performance of an account or a strategy, composed from read-model documents. Pure: the caller reads the documents
 * (performance-reader.ts does it through the DocumentReader port) and passes them all, from inception: balances are
 * sums of daily changes, so the days before `from` still count; from/to only choose the window that is reported.
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

interface Holding {
  quantity: number;
  costBasisPaise: number;
}

interface CurveRow {
  point: StrategyCurvePoint;
  holdings: OpenHolding[];
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface ValidOptions {
  from: IstDate | undefined;
  to: IstDate | undefined;
  riskFreeRate: number;
  capitalPaise: number | undefined;
  tradingDays: readonly IstDate[];
}

/** Options come from a query string: anything malformed is INVALID_QUERY (400), never a wrong figure. */
function validated(options: PerformanceOptions = {}): ValidOptions {
  const { from, to, riskFreeRate = 0, capitalPaise, tradingDays = [] } = options;
  for (const [name, value] of [['from', from], ['to', to]] as const) {
    if (value !== undefined && !isIsoDate(value)) throw new InvalidQueryError(`${name} must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`, { [name]: value });
  }
  if (from !== undefined && to !== undefined && from > to) throw new InvalidQueryError(`from ${from} is after to ${to}`, { from, to });
  if (typeof riskFreeRate !== 'number' || !Number.isFinite(riskFreeRate) || riskFreeRate <= -1 || riskFreeRate > 1) {
    throw new InvalidQueryError('riskFreeRate must be an annual rate as a fraction, above -1 and at most 1', { riskFreeRate });
  }
  if (capitalPaise !== undefined && (!Number.isSafeInteger(capitalPaise) || capitalPaise <= 0)) {
    throw new InvalidQueryError('capitalPaise must be a positive integer amount of paise', { capitalPaise });
  }
  const badDay = tradingDays.find((d) => !isIsoDate(d));
  if (badDay !== undefined) throw new InvalidQueryError(`tradingDays must be dates YYYY-MM-DD, got ${JSON.stringify(badDay)}`);
  return { from, to, riskFreeRate, capitalPaise, tradingDays };
}

/**
 * Runs the ledger forward over every date that matters (ledger dates, closes of instruments it traded, extra trading
 * days) and values each close. cash starts at cashBase (a strategy's capital; 0 for an account, whose opening cash is a flow).
 */
function buildCurve(ledger: readonly LedgerDay[], closes: readonly DailyCloseDoc[], tradingDays: readonly IstDate[], to: IstDate | undefined, cashBase: number): CurveRow[] {
  const days = [...ledger].sort((a, b) => byText(a.date, b.date));
  if (days.length === 0) return [];
  const first = days[0].date;
  const traded = new Set(days.flatMap((d) => d.positions.map((p) => p.instrument)));
  const closesOn = new Map<IstDate, DailyCloseDoc[]>();
  for (const close of closes) {
    if (!traded.has(close.instrument)) continue;
    closesOn.set(close.date, [...(closesOn.get(close.date) ?? []), close]);
  }
  const ledgerOn = new Map<IstDate, LedgerDay[]>();
  for (const day of days) ledgerOn.set(day.date, [...(ledgerOn.get(day.date) ?? []), day]);
  const dates = [...new Set([...ledgerOn.keys(), ...closesOn.keys(), ...tradingDays])].filter((d) => d >= first && (to === undefined || d <= to)).sort(byText);

  let cash = cashBase;
  let realized = 0;
  let fees = 0;
  const holdings = new Map<string, Holding>();
  const lastClose = new Map<string, { pricePaise: number; date: IstDate }>();
  const rows: CurveRow[] = [];
  for (const date of dates) {
    let flows = 0;
    for (const day of ledgerOn.get(date) ?? []) {
      cash += day.cashChangePaise;
      flows += day.flowsPaise;
      realized += day.realizedNetPaise;
      fees += day.feesPaise;
      for (const p of day.positions) {
        const held = holdings.get(p.instrument) ?? { quantity: 0, costBasisPaise: 0 };
        holdings.set(p.instrument, { quantity: held.quantity + p.quantityChange, costBasisPaise: held.costBasisPaise + p.costChangePaise });
      }
    }
    for (const close of closesOn.get(date) ?? []) lastClose.set(close.instrument, { pricePaise: close.pricePaise, date });

    let marketValue = 0;
    let gross = 0;
    const open: OpenHolding[] = [];
    for (const [instrument, held] of [...holdings.entries()].sort(([a], [b]) => byText(a, b))) {
      if (held.quantity === 0) continue;
      const close = lastClose.get(instrument);
      // Without a close: valued at its own average cost (sign x costBasis), adding no unrealized P&L.
      const value = markHolding(held.quantity, held.costBasisPaise, close ? { pricePaise: close.pricePaise, at: close.date } : undefined).marketValuePaise;
      marketValue += value;
      gross += Math.abs(value);
      open.push({ instrument, ...held, closePricePaise: close?.pricePaise ?? null, closeDate: close?.date ?? null, marketValuePaise: value });
    }
    rows.push({
      point: {
        date,
        kind: 'CLOSE',
        equityPaise: cash + marketValue,
        cashPaise: cash,
        marketValuePaise: marketValue,
        grossExposurePaise: gross,
        flowsPaise: flows,
        unpricedInstruments: open.filter((h) => h.closePricePaise === null).map((h) => h.instrument),
        realizedNetPaise: realized,
        feesPaise: fees,
      },
      holdings: open,
    });
  }
  return rows;
}

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
 * The curve with its start point first: the equity the window starts from, dated the window's first date. At
 * inception that is the cash base (a strategy's capital) plus the first day's flows, which are then no longer a flow
 * of the first close; for a later window it is the close before the window (its flows are not the window's).
 */
function withStart<P extends EquityCurvePoint>(closes: readonly P[], previous: P | null, cashBase: number): P[] {
  if (closes.length === 0) return [];
  const [first, ...rest] = closes;
  if (previous !== null) return [{ ...previous, date: first.date, kind: 'START', flowsPaise: 0 }, ...closes];
  const base = cashBase + first.flowsPaise;
  const start = {
    ...first,
    kind: 'START' as const,
    equityPaise: base,
    cashPaise: base,
    marketValuePaise: 0,
    grossExposurePaise: 0,
    flowsPaise: first.flowsPaise,
    unpricedInstruments: [],
    ...('realizedNetPaise' in first ? { realizedNetPaise: 0, feesPaise: 0 } : {}),
  } as P;
  return [start, { ...first, flowsPaise: 0 }, ...rest];
}

/**
 * The report over the window. withReturns is false when the curve has no equity base (a strategy without capital):
 * every figure that divides by equity is then null rather than a ratio of P&L to P&L.
 */
function report<P extends EquityCurvePoint>(
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

export interface StrategyReplay {
  trades: PerformanceTrade[];
  /** Per date with fills: cash moved, realized P&L and charges, and what each instrument's virtual position did. */
  days: LedgerDay[];
}

/**
 * Rebuilds a strategy's virtual positions, one per instrument across all its accounts, by applying its fills in
 * log order (as the accounts' positions apply them; each fill's P&L is booked on its own business day) with the position domain itself (decidePosition/evolvePosition: average cost, cycles, the
 * same rounding as the accounts' positions). Fill ids are unique per order only, so they are keyed by order here,
 * as the settlement reactor keys them.
 */
export function replayStrategy(strategyId: string, days: readonly StrategyDayDoc[]): StrategyReplay {
  const positions = new Map<string, PositionState>();
  const trades: PerformanceTrade[] = [];
  // One ledger line per date with fills; the fills themselves are folded in log order (global position), the order
  // the accounts' positions fold them in, so a late report dated an earlier day realizes against the same average
  // cost in the strategy's book as in the account's (a back-dated fill changes its day's line, not the fold).
  const lines = new Map<string, { cash: number; realized: number; fees: number; changes: Map<string, { quantity: number; cost: number }> }>();
  const fills: { date: string; fill: StrategyDayDoc['fills'][number] }[] = [];
  for (const day of days) {
    if (day.strategyId !== strategyId) throw new RangeError(`a document of strategy ${day.strategyId} was passed for strategy ${strategyId}`);
    lines.set(day.date, { cash: 0, realized: 0, fees: 0, changes: new Map() });
    for (const fill of day.fills) fills.push({ date: day.date, fill });
  }
  fills.sort((a, b) => a.fill.position - b.fill.position || Date.parse(a.fill.occurredAt) - Date.parse(b.fill.occurredAt));
  for (const { date, fill } of fills) {
    const line = lines.get(date)!;
    const state = positions.get(fill.instrument) ?? initialPositionState;
    const events = decidePosition(
      {
        type: 'ApplyFill',
        data: {
          // One virtual book per strategy: the account a fill came from does not split it.
          accountId: strategyId,
          instrument: fill.instrument,
          orderId: fill.orderId,
          fillId: `${fill.orderId}:${fill.fillId}`,
          side: fill.side,
          quantity: fill.quantity,
          pricePaise: fill.pricePaise,
          feesPaise: fill.feesPaise,
          occurredAt: fill.occurredAt,
        },
      },
      state,
    );
    const after = events.reduce(evolvePosition, state);
    positions.set(fill.instrument, after);
    const change = line.changes.get(fill.instrument) ?? { quantity: 0, cost: 0 };
    line.changes.set(fill.instrument, { quantity: change.quantity + after.quantity - state.quantity, cost: change.cost + after.costBasisPaise - state.costBasisPaise });
    for (const event of events) {
      if (event.type === 'PositionReduced' || event.type === 'PositionClosed') line.realized += event.data.realizedNetPaise;
      if (event.type === 'PositionClosed') {
        const cycle = after.closedCycles.find((c) => c.cycle === event.data.cycle)!;
        trades.push({
          instrument: fill.instrument,
          openedAt: cycle.openedAt,
          closedAt: cycle.closedAt,
          realizedGrossPaise: cycle.realizedGrossPaise,
          feesPaise: cycle.feesPaise,
          realizedNetPaise: cycle.realizedNetPaise,
          cycle: cycle.cycle,
          direction: cycle.direction,
          maxQuantity: cycle.maxQuantity,
          closedOn: istTradingDay(cycle.closedAt),
        });
      }
    }
    const value = fill.quantity * fill.pricePaise;
    line.cash += (fill.side === 'SELL' ? value : -value) - fill.feesPaise;
    line.fees += fill.feesPaise;
  }
  const ledger: LedgerDay[] = [...lines.entries()]
    .sort(([a], [b]) => byText(a, b))
    .map(([date, line]) => ({
      date: date as IstDate,
      cashChangePaise: line.cash,
      flowsPaise: 0,
      positions: [...line.changes.entries()].map(([instrument, c]) => ({ instrument, quantityChange: c.quantity, costChangePaise: c.cost })),
      realizedNetPaise: line.realized,
      feesPaise: line.fees,
    }));
  return { trades, days: ledger };
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
