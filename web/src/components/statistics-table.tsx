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
};

const RATIOS = new Set(['winRate', 'lossRate', 'totalReturn', 'cagr', 'maxDrawdown', 'currentDrawdown', 'volatility', 'exposure']);

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

export function StatisticsTable({ statistics, testId }: { statistics: Statistics; testId?: string }) {
  const rows = statisticRows(statistics);
  return (
    <table className="table table-compact stats-table" data-testid={testId}>
      <tbody>
        {rows.map(([key, value]) => (
          <tr key={key}>
            <th scope="row">{LABELS[key] ?? key}</th>
            <td className="num">{formatStatistic(key, value)}</td>
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
