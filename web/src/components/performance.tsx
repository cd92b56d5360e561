import { useState } from 'react';
import type { Performance, Statistics } from '../api/types';
import { Chart, dailyPoints } from './lazy-chart';
import { istShort, quantity, rupees, pnlClass } from '../lib/format';
import { headline, Notes, StatisticsTable, StatisticValue } from './statistics-table';
import { Card, Empty, Segmented } from './ui';

export function EquityCharts({ performance, theme }: { performance: Performance; theme: string }) {
  const equity = dailyPoints(performance.equityCurve ?? [], (p) => p.date, (p) => p.equityPaise / 100);
  const drawdown = dailyPoints(performance.drawdownSeries ?? [], (p) => p.date, (p) => -Math.abs(p.drawdownPaise) / 100);
  return (
    <div className="grid-2">
      <Card title="Equity curve">
        <Chart points={equity} kind="equity" theme={theme} label="Equity by trading day, in rupees" />
      </Card>
      <Card title="Drawdown">
        <Chart points={drawdown} kind="drawdown" theme={theme} label="Drawdown from the previous equity peak, in rupees" />
      </Card>
    </div>
  );
}

const BREAKDOWN_COLUMNS = ['tradeCount', 'winRate', 'netPnlPaise', 'feesPaise', 'profitFactor', 'expectancyPaise', 'profitPaise', 'return', 'maxDrawdownPaise'];
const COLUMN_LABELS: Record<string, string> = {
  tradeCount: 'Trades',
  winRate: 'Win rate',
  netPnlPaise: 'Net P&L',
  feesPaise: 'Fees',
  profitFactor: 'Profit factor',
  expectancyPaise: 'Expectancy',
  profitPaise: 'Profit',
  return: 'Return',
  maxDrawdownPaise: 'Max drawdown',
};

/** What the performance endpoints send besides the series and statistics. */
export interface PerformanceTrade {
  instrument: string;
  direction?: 'LONG' | 'SHORT';
  openedAt: string;
  closedAt: string;
  maxQuantity?: number;
  realizedGrossPaise: number;
  feesPaise: number;
  realizedNetPaise: number;
}
export type PerformanceReport = Performance & { trades?: PerformanceTrade[]; notes?: string[] };

export function TradesTable({ trades }: { trades: readonly PerformanceTrade[] }) {
  if (trades.length === 0) return <Empty>No closed trades in the window.</Empty>;
  return (
    <div className="table-wrap">
      <table className="table table-compact perf-table" data-testid="trades">
        <thead>
          <tr>
            <th>Instrument</th>
            <th>Direction</th>
            <th>Opened (IST)</th>
            <th>Closed (IST)</th>
            <th className="num">Max quantity</th>
            <th className="num">Gross P&L</th>
            <th className="num">Charges</th>
            <th className="num">Net P&L</th>
          </tr>
        </thead>
        <tbody>
          {[...trades].reverse().map((t, i) => (
            <tr key={`${t.instrument}-${t.closedAt}-${i}`}>
              <td>{t.instrument}</td>
              <td>{t.direction === 'SHORT' ? 'Short' : t.direction === 'LONG' ? 'Long' : '—'}</td>
              <td>{istShort(t.openedAt)}</td>
              <td>{istShort(t.closedAt)}</td>
              <td className="num">{quantity(t.maxQuantity)}</td>
              <td className={`num ${pnlClass(t.realizedGrossPaise)}`}>{rupees(t.realizedGrossPaise, { sign: true })}</td>
              <td className="num">{rupees(t.feesPaise)}</td>
              <td className={`num ${pnlClass(t.realizedNetPaise)}`}>{rupees(t.realizedNetPaise, { sign: true })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function BreakdownTable({ rows, keyLabel, testId, notes = [] }: { rows: Record<string, Statistics>; keyLabel: string; testId?: string; notes?: readonly string[] }) {
  const entries = Object.entries(rows);
  if (entries.length === 0) return <Empty>Nothing to break down yet.</Empty>;
  const columns = BREAKDOWN_COLUMNS.filter((c) => entries.some(([, s]) => headline(s, c) !== undefined));
  return (
    <div className="table-wrap">
      <table className="table perf-table" data-testid={testId}>
        <thead>
          <tr>
            <th>{keyLabel}</th>
            {columns.map((c, i) => (
              <th key={c} className={`num ${i >= 4 ? 'hide-narrow' : ''}`}>
                {COLUMN_LABELS[c]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {entries.map(([key, statistics]) => (
            <tr key={key}>
              <td>{key}</td>
              {columns.map((c, i) => (
                <td key={c} className={`num ${i >= 4 ? 'hide-narrow' : ''}`}>
                  <StatisticValue name={c} value={headline(statistics, c)} notes={notes} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const PERIODS = ['day', 'week', 'month'] as const;

/** The full picture: charts, statistics, by instrument and by period. */
export function PerformancePanel({ performance, theme, showTrades = false }: { performance: PerformanceReport; theme: string; showTrades?: boolean }) {
  const [period, setPeriod] = useState<(typeof PERIODS)[number]>('day');
  const notes = performance.notes ?? [];
  return (
    <>
      <EquityCharts performance={performance} theme={theme} />
      <div className="grid-2">
        <Card title="Statistics">
          <StatisticsTable statistics={performance.statistics} notes={notes} testId="statistics" />
          <Notes notes={notes} />
        </Card>
        <div className="stack">
          <Card title="By instrument">
            <BreakdownTable rows={performance.byInstrument ?? {}} keyLabel="Instrument" testId="by-instrument" notes={notes} />
          </Card>
          <Card title="By period" actions={<Segmented name="period" label="Period" value={period} options={PERIODS} onChange={setPeriod} />}>
            <BreakdownTable rows={performance.byPeriod?.[period] ?? {}} keyLabel={period[0].toUpperCase() + period.slice(1)} testId="by-period" notes={notes} />
          </Card>
        </div>
      </div>
      {showTrades && (
        <Card title="Trades">
          <TradesTable trades={performance.trades ?? []} />
        </Card>
      )}
    </>
  );
}
