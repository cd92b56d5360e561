import { useState } from 'react';
import type { Performance, Statistics } from '../api/types';
import { Chart, dailyPoints } from './lazy-chart';
import { formatStatistic, headline, StatisticsTable } from './statistics-table';
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

const BREAKDOWN_COLUMNS = ['tradeCount', 'winRate', 'netPnlPaise', 'feesPaise', 'profitFactor', 'expectancyPaise', 'maxDrawdownPaise'];
const COLUMN_LABELS: Record<string, string> = {
  tradeCount: 'Trades',
  winRate: 'Win rate',
  netPnlPaise: 'Net P&L',
  feesPaise: 'Fees',
  profitFactor: 'Profit factor',
  expectancyPaise: 'Expectancy',
  maxDrawdownPaise: 'Max DD',
};

export function BreakdownTable({ rows, keyLabel, testId }: { rows: Record<string, Statistics>; keyLabel: string; testId?: string }) {
  const entries = Object.entries(rows);
  if (entries.length === 0) return <Empty>Nothing to break down yet.</Empty>;
  const columns = BREAKDOWN_COLUMNS.filter((c) => entries.some(([, s]) => headline(s, c) !== undefined));
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
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
                  {formatStatistic(c, headline(statistics, c))}
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
export function PerformancePanel({ performance, theme }: { performance: Performance; theme: string }) {
  const [period, setPeriod] = useState<(typeof PERIODS)[number]>('day');
  return (
    <>
      <EquityCharts performance={performance} theme={theme} />
      <div className="grid-2">
        <Card title="Statistics">
          <StatisticsTable statistics={performance.statistics} testId="statistics" />
        </Card>
        <div className="stack">
          <Card title="By instrument">
            <BreakdownTable rows={performance.byInstrument ?? {}} keyLabel="Instrument" testId="by-instrument" />
          </Card>
          <Card title="By period" actions={<Segmented name="period" label="Period" value={period} options={PERIODS} onChange={setPeriod} />}>
            <BreakdownTable rows={performance.byPeriod?.[period] ?? {}} keyLabel={period[0].toUpperCase() + period.slice(1)} testId="by-period" />
          </Card>
        </div>
      </div>
    </>
  );
}
