import type { IsoInstant, IstDate, Paise } from '../common/types';

/**
 * A trade is one position cycle, from flat to flat: its P&L is the cycle's realized P&L.
 * Partial closes inside a cycle are part of the same trade.
 */
export interface ClosedTrade {
  instrument: string;
  openedAt: IsoInstant;
  closedAt: IsoInstant;
  realizedGrossPaise: Paise;
  feesPaise: Paise;
  realizedNetPaise: Paise;
}

/**
 * One point per trading day: equity = cash + marked-to-market positions at the day's close. A series starts with its
 * base (kind START): the equity before the first day's activity, so the first day's P&L, return and drawdown count.
 */
export interface EquityPoint {
  date: IstDate;
  /** START: the base the series starts from (no exposure of its own); CLOSE (default): a day's close. */
  kind?: 'START' | 'CLOSE';
  equityPaise: Paise;
  /** Gross market value of open positions (sum of |quantity x price|) at the close. */
  exposurePaise: Paise;
  /**
   * External money that entered (+, deposits) or left (-, withdrawals) during the day; 0 when absent.
   * It is not performance: returns and drawdowns take it out (see equityStatistics). The first point's flows
   * are part of the starting equity.
   */
  flowsPaise?: Paise;
}

export interface TradeStatistics {
  tradeCount: number;
  wins: number;
  losses: number;
  /** Σ gross realized P&L (before charges). */
  grossPnlPaise: Paise;
  feesPaise: Paise;
  /** Σ net realized P&L = gross - fees. */
  netPnlPaise: Paise;
  /** Σ net P&L of winning trades (net > 0). */
  grossWinsPaise: Paise;
  /** |Σ net P&L of losing trades (net < 0)|. */
  grossLossesPaise: Paise;
  /** wins / trades; a break-even trade is neither a win nor a loss. */
  winRate: number | null;
  lossRate: number | null;
  /** grossWins / wins. */
  averageWinPaise: number | null;
  /** grossLosses / losses (a positive number). */
  averageLossPaise: number | null;
  bestTradePaise: Paise | null;
  worstTradePaise: Paise | null;
  /** grossWins / grossLosses; null when there is no loss. */
  profitFactor: number | null;
  /** Average net P&L per trade = netPnl / trades. */
  expectancyPaise: number | null;
  /** averageWin / averageLoss. */
  payoffRatio: number | null;
  maxConsecutiveWins: number;
  maxConsecutiveLosses: number;
  /** Mean of (closedAt - openedAt), in seconds. */
  averageHoldingSeconds: number | null;
}

/**
 * Flows (deposits, withdrawals) are not returns. Each day's return is time-weighted, the flow taken to arrive
 * at the close: r_t = (E_t - F_t) / E_{t-1} - 1. Returns compound into a growth index I_t = Π (1 + r_s), I_0 = 1,
 * and P&L_t = Σ (E_s - F_s - E_{s-1}) = E_t - E_0 - Σ F_s (s = 1..t). Without flows these reduce to the plain
 * figures: r_t = E_t / E_{t-1} - 1, I_t = E_t / E_0, drawdowns on equity itself.
 */
export interface EquityStatistics {
  startEquityPaise: Paise | null;
  endEquityPaise: Paise | null;
  /** Σ flows after the first point (the first point's flows are in the start equity). */
  netFlowsPaise: Paise;
  /** Equity P&L: end - start - netFlows (realized and unrealized, net of charges). */
  profitPaise: Paise;
  /** Time-weighted: I_N - 1 = Π (1 + r_t) - 1 (= end / start - 1 without flows). */
  totalReturn: number | null;
  /** I_N^(252 / N) - 1, N = number of daily returns (a year is 252 trading days). */
  cagr: number | null;
  /**
   * Largest peak-to-trough fall: in paise on the P&L curve (max over t of max_{s<=t} P&L_s - P&L_t), as a fraction
   * on the growth index (max of 1 - I_t / max_{s<=t} I_s). Without flows both are the fall of equity from its peak.
   */
  maxDrawdownPaise: Paise;
  maxDrawdown: number;
  /** The same two measures at the last point. */
  currentDrawdownPaise: Paise;
  currentDrawdown: number;
  /** Sample standard deviation of daily returns x sqrt(252). */
  volatility: number | null;
  /** (mean daily return - rf/252) / sample stdev x sqrt(252). */
  sharpe: number | null;
  /** (mean daily return - rf/252) / downside deviation x sqrt(252); downside deviation = sqrt(Σ min(0, r - rf/252)² / N). */
  sortino: number | null;
  /** CAGR / max drawdown (fraction). */
  calmar: number | null;
  /** Mean over the closes of exposure / equity (gross market value as a share of equity); the START point is not a day. */
  exposure: number | null;
  /** Drawdown series: per day, the P&L curve below its running peak (paise) and the growth index below its own (fraction). */
  drawdownSeries: { date: IstDate; drawdownPaise: Paise; drawdown: number }[];
}

export const TRADING_DAYS_PER_YEAR = 252;

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

/** Statistics over closed trades, in the order they closed. */
export function tradeStatistics(trades: readonly ClosedTrade[]): TradeStatistics {
  let wins = 0;
  let losses = 0;
  let grossPnl = 0;
  let fees = 0;
  let net = 0;
  let grossWins = 0;
  let grossLosses = 0;
  let best: number | null = null;
  let worst: number | null = null;
  let streakWins = 0;
  let streakLosses = 0;
  let maxWins = 0;
  let maxLosses = 0;
  let holding = 0;
  const ordered = [...trades].sort((a, b) => Date.parse(a.closedAt) - Date.parse(b.closedAt));
  for (const trade of ordered) {
    grossPnl += trade.realizedGrossPaise;
    fees += trade.feesPaise;
    net += trade.realizedNetPaise;
    best = best === null ? trade.realizedNetPaise : Math.max(best, trade.realizedNetPaise);
    worst = worst === null ? trade.realizedNetPaise : Math.min(worst, trade.realizedNetPaise);
    holding += (Date.parse(trade.closedAt) - Date.parse(trade.openedAt)) / 1000;
    if (trade.realizedNetPaise > 0) {
      wins++;
      grossWins += trade.realizedNetPaise;
      streakWins++;
      streakLosses = 0;
    } else if (trade.realizedNetPaise < 0) {
      losses++;
      grossLosses += -trade.realizedNetPaise;
      streakLosses++;
      streakWins = 0;
    } else {
      // A break-even trade ends both streaks.
      streakWins = 0;
      streakLosses = 0;
    }
    maxWins = Math.max(maxWins, streakWins);
    maxLosses = Math.max(maxLosses, streakLosses);
  }
  const count = ordered.length;
  const averageWin = ratio(grossWins, wins);
  const averageLoss = ratio(grossLosses, losses);
  return {
    tradeCount: count,
    wins,
    losses,
    grossPnlPaise: grossPnl,
    feesPaise: fees,
    netPnlPaise: net,
    grossWinsPaise: grossWins,
    grossLossesPaise: grossLosses,
    winRate: ratio(wins, count),
    lossRate: ratio(losses, count),
    averageWinPaise: averageWin,
    averageLossPaise: averageLoss,
    bestTradePaise: best,
    worstTradePaise: worst,
    profitFactor: ratio(grossWins, grossLosses),
    expectancyPaise: ratio(net, count),
    payoffRatio: averageWin === null || averageLoss === null ? null : ratio(averageWin, averageLoss),
    maxConsecutiveWins: maxWins,
    maxConsecutiveLosses: maxLosses,
    averageHoldingSeconds: ratio(holding, count),
  };
}

/**
 * Time-weighted return of one day, the day's flow taken to arrive at the close: r = (E_t - F_t) / E_{t-1} - 1.
 * Null when nothing was invested the day before (E_{t-1} <= 0).
 */
export function dailyReturn(previousEquityPaise: Paise, equityPaise: Paise, flowsPaise: Paise = 0): number | null {
  return previousEquityPaise > 0 ? (equityPaise - flowsPaise) / previousEquityPaise - 1 : null;
}

/** Statistics over a daily equity series (ordered by date; one point per trading day). */
export function equityStatistics(series: readonly EquityPoint[], riskFreeRateAnnual = 0): EquityStatistics {
  const points = [...series].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const drawdownSeries: EquityStatistics['drawdownSeries'] = [];
  const returns: number[] = [];
  let index = 1;
  let indexPeak = 1;
  let pnl = 0;
  let pnlPeak = 0;
  let flows = 0;
  let maxDd = 0;
  let maxDdFraction = 0;
  for (let i = 0; i < points.length; i++) {
    if (i > 0) {
      const previous = points[i - 1].equityPaise;
      const flow = points[i].flowsPaise ?? 0;
      flows += flow;
      pnl += points[i].equityPaise - flow - previous;
      const r = dailyReturn(previous, points[i].equityPaise, flow);
      if (r !== null) {
        returns.push(r);
        index *= 1 + r;
      }
    }
    pnlPeak = Math.max(pnlPeak, pnl);
    indexPeak = Math.max(indexPeak, index);
    const dd = pnlPeak - pnl;
    const fraction = indexPeak > 0 ? 1 - index / indexPeak : 0;
    drawdownSeries.push({ date: points[i].date, drawdownPaise: dd, drawdown: fraction });
    if (dd > maxDd) maxDd = dd;
    if (fraction > maxDdFraction) maxDdFraction = fraction;
  }
  const last = drawdownSeries[drawdownSeries.length - 1];

  const n = returns.length;
  const rfDaily = riskFreeRateAnnual / TRADING_DAYS_PER_YEAR;
  const mean = n > 0 ? returns.reduce((s, r) => s + r, 0) / n : 0;
  const sampleStdev = n > 1 ? Math.sqrt(returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (n - 1)) : null;
  const downside = n > 0 ? Math.sqrt(returns.reduce((s, r) => s + Math.min(0, r - rfDaily) ** 2, 0) / n) : null;
  const annualiser = Math.sqrt(TRADING_DAYS_PER_YEAR);

  const start = points.length > 0 ? points[0].equityPaise : null;
  const end = points.length > 0 ? points[points.length - 1].equityPaise : null;
  const hasBase = start !== null && start > 0;
  const totalReturn = hasBase ? index - 1 : null;
  // A growth index at or below zero (equity wiped out, or short losses beyond it) has no annual rate.
  const cagr = hasBase && n > 0 && index > 0 ? index ** (TRADING_DAYS_PER_YEAR / n) - 1 : null;
  const exposures = points.filter((p) => p.kind !== 'START' && p.equityPaise > 0).map((p) => p.exposurePaise / p.equityPaise);

  return {
    startEquityPaise: start,
    endEquityPaise: end,
    netFlowsPaise: flows,
    profitPaise: pnl,
    totalReturn,
    cagr,
    maxDrawdownPaise: maxDd,
    maxDrawdown: maxDdFraction,
    currentDrawdownPaise: last ? last.drawdownPaise : 0,
    currentDrawdown: last ? last.drawdown : 0,
    volatility: sampleStdev === null ? null : sampleStdev * annualiser,
    sharpe: sampleStdev === null || sampleStdev === 0 ? null : ((mean - rfDaily) / sampleStdev) * annualiser,
    sortino: downside === null || downside === 0 ? null : ((mean - rfDaily) / downside) * annualiser,
    calmar: cagr === null || maxDdFraction === 0 ? null : cagr / maxDdFraction,
    exposure: exposures.length > 0 ? exposures.reduce((s, e) => s + e, 0) / exposures.length : null,
    drawdownSeries,
  };
}

export type Period = 'day' | 'week' | 'month';

/** The period a trade belongs to, by its close in IST: `2026-11-20`, ISO week `2026-W47`, or `2026-11`. */
export function periodKey(istDate: IstDate, period: Period): string {
  if (period === 'day') return istDate;
  if (period === 'month') return istDate.slice(0, 7);
  // ISO-8601 week: the week with the year's first Thursday is week 1.
  const [y, m, d] = istDate.split('-').map(Number);
  const day = Date.UTC(y, m - 1, d);
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday = 0
  const thursday = day + (3 - weekday) * 86_400_000;
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Trade statistics grouped by a key (instrument, or period of the close). */
export function breakdown(trades: readonly ClosedTrade[], keyOf: (trade: ClosedTrade) => string): Record<string, TradeStatistics> {
  const groups = new Map<string, ClosedTrade[]>();
  for (const trade of trades) {
    const key = keyOf(trade);
    groups.set(key, [...(groups.get(key) ?? []), trade]);
  }
  return Object.fromEntries([...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, group]) => [key, tradeStatistics(group)]));
}
