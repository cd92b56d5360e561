import { decimal, percent, rupees } from '../lib/format';
import type { Statistics } from '../api/types';

/** Labels for the statistics of DOMAIN.md; unknown keys are still shown, with their own name. */
const LABELS: Record<string, string> = {
  tradeCount: 'Trades',
  wins: 'Wins',
  losses: 'Losses',
  grossPnlPaise: 'Gross P&L',
  feesPaise: 'Fees',
  netPnlPaise: 'Net P&L',
  grossWinsPaise: 'Gross wins',
  grossLossesPaise: 'Gross losses',
  winRate: 'Win rate',
  lossRate: 'Loss rate',
  averageWinPaise: 'Average win',
  averageLossPaise: 'Average loss',
  bestTradePaise: 'Best trade',
  worstTradePaise: 'Worst trade',
  profitFactor: 'Profit factor',
  expectancyPaise: 'Expectancy',
  payoffRatio: 'Payoff ratio',
  maxConsecutiveWins: 'Max consecutive wins',
  maxConsecutiveLosses: 'Max consecutive losses',
  averageHoldingSeconds: 'Average holding time',
  startEquityPaise: 'Start equity',
  endEquityPaise: 'End equity',
  totalReturn: 'Total return',
  cagr: 'CAGR',
  maxDrawdownPaise: 'Max drawdown',
  maxDrawdown: 'Max drawdown %',
  currentDrawdownPaise: 'Current drawdown',
  currentDrawdown: 'Current drawdown %',
  volatility: 'Volatility (annualised)',
  sharpe: 'Sharpe',
  sortino: 'Sortino',
  calmar: 'Calmar',
  exposure: 'Exposure',
  days: 'Trading days',
  netFlowsPaise: 'Net deposits and withdrawals',
  profitPaise: 'Profit (after charges)',
  riskFreeRate: 'Risk-free rate (annual)',
  return: 'Return',
};

/** A person's name for a statistic's key: its label, else the key split into words ("fooBarPaise" -> "Foo bar"). */
export function statisticLabel(key: string): string {
  if (LABELS[key]) return LABELS[key];
  const words = key.replace(/Paise$/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Why a trade statistic has no value when the api's notes do not say (the definitions in DOMAIN.md). */
const UNDEFINED_WHEN: Record<string, string> = {
  winRate: 'no closed trades',
  lossRate: 'no closed trades',
  averageWinPaise: 'no winning trade',
  averageLossPaise: 'no losing trade',
  bestTradePaise: 'no closed trades',
  worstTradePaise: 'no closed trades',
  profitFactor: 'no losing trade to divide by',
  expectancyPaise: 'no closed trades',
  payoffRatio: 'needs a winning and a losing trade',
  averageHoldingSeconds: 'no closed trades',
  startEquityPaise: 'no equity curve in the window',
  endEquityPaise: 'no equity curve in the window',
  return: 'no day in the period has a previous day to compare with',
};

/**
 * Why a figure is missing: the api's notes that name it (by key or label; their numbers in `notes`), else the
 * definition's reason, else every note. Null when nothing explains it.
 */
export function missingReason(key: string, notes: readonly string[]): { notes: number[]; text: string } | null {
  const label = statisticLabel(key).toLowerCase();
  const words = [key.toLowerCase(), label, label.replace(/ %$/, '').replace(/ \(annualised\)$/, '')];
  const naming = notes.flatMap((n, i) => (words.some((w) => n.toLowerCase().includes(w)) ? [i + 1] : []));
  if (naming.length > 0) return { notes: naming, text: naming.map((i) => notes[i - 1]).join('; ') };
  if (UNDEFINED_WHEN[key]) return { notes: [], text: UNDEFINED_WHEN[key] };
  return notes.length > 0 ? { notes: notes.map((_, i) => i + 1), text: notes.join('; ') } : null;
}

const RATIOS = new Set(['winRate', 'lossRate', 'totalReturn', 'cagr', 'maxDrawdown', 'currentDrawdown', 'volatility', 'exposure', 'riskFreeRate', 'return']);

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

export function formatStatistic(key: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value !== 'number') return typeof value === 'string' ? value : JSON.stringify(value);
  if (key.endsWith('Paise')) return rupees(value);
  if (RATIOS.has(key)) return percent(value);
  if (key === 'averageHoldingSeconds') return duration(value);
  return Number.isInteger(value) ? String(value) : decimal(value);
}

/** Flattens `{ trade: {...}, equity: {...} }` or a flat object into rows; series are left to the charts. */
export function statisticRows(statistics: Statistics): [string, unknown][] {
  const rows: [string, unknown][] = [];
  for (const [key, value] of Object.entries(statistics)) {
    if (Array.isArray(value)) continue;
    if (typeof value === 'object' && value !== null) rows.push(...statisticRows(value as Statistics));
    else rows.push([key, value]);
  }
  return rows;
}

/** A figure, or "—" with the reason it is missing: a note's number (the notes are listed once) or a few words. */
export function StatisticValue({ name, value, notes }: { name: string; value: unknown; notes: readonly string[] }) {
  if (value !== null && value !== undefined) return <>{formatStatistic(name, value)}</>;
  const reason = missingReason(name, notes);
  return (
    <span className="missing" title={reason?.text} data-testid="missing" data-reason={reason?.text ?? ''}>
      —{' '}
      {reason && (
        <span className="missing-reason">{reason.notes.length > 0 ? `note ${reason.notes.join(', ')}` : reason.text}</span>
      )}
    </span>
  );
}

/** The api's notes, numbered as the "note n" marks of the missing figures. */
export function Notes({ notes }: { notes: readonly string[] }) {
  if (notes.length === 0) return null;
  return (
    <ol className="notes muted small" data-testid="performance-notes">
      {notes.map((n) => (
        <li key={n}>{n}</li>
      ))}
    </ol>
  );
}

export function StatisticsTable({ statistics, notes = [], testId }: { statistics: Statistics; notes?: readonly string[]; testId?: string }) {
  const rows = statisticRows(statistics);
  return (
    <table className="table table-compact stats-table" data-testid={testId}>
      <tbody>
        {rows.map(([key, value]) => (
          <tr key={key}>
            <th scope="row">{statisticLabel(key)}</th>
            <td className="num">
              <StatisticValue name={key} value={value} notes={notes} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A few headline numbers (for a list row or a comparison table). */
export function headline(statistics: Statistics | undefined, key: string): unknown {
  if (!statistics) return undefined;
  return new Map(statisticRows(statistics)).get(key);
}
