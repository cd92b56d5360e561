import { useState } from 'react';
import { useQueries, useQuery } from '@tanstack/react-query';
import type * as C from '@robo/contract';
import { api } from '../api/endpoints';
import { useApp } from '../app-context';
import type { ChartPoint, ChartSeries } from '../components/chart';
import { CopyText } from '../components/copy-text';
import { Chart, dailyPoints, Overlay } from '../components/lazy-chart';
import { headline, StatisticsTable, StatisticValue } from '../components/statistics-table';
import { Card, Empty, QueryView, Segmented } from '../components/ui';
import { istDateTime, istShort, quantity, pnlClass, rupees } from '../lib/format';
import { href, navigate } from '../lib/route';

/** The headline statistics of the runs table, by their names in the run's statistics. */
const COLUMNS: [string, string][] = [
  ['totalReturn', 'Return'],
  ['maxDrawdownPaise', 'Max drawdown'],
  ['sharpe', 'Sharpe'],
  ['tradeCount', 'Trades'],
  ['winRate', 'Win rate'],
];

/** One colour per overlaid run, in the order of the selection (the legend shows the same). */
const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];

const SCALES = ['normalised', 'rupees'] as const;
type Scale = (typeof SCALES)[number];

/** 15:30 IST, the close a daily equity point is taken at. */
const CLOSE_IST = 'T15:30:00+05:30';

/** A run's short name: the end of its id (run ids are time-ordered UUIDs, whose first characters runs share). */
export const runTag = (runId: string): string => `…${runId.slice(-8)}`;

/** The selection lives in the address: #/backtests?selected=<runId>&overlay=<runId>,<runId>. */
function selection(params: URLSearchParams, runs: readonly C.BacktestRun[]): { selected: string | null; overlay: string[] } {
  const known = new Set(runs.map((r) => r.runId));
  const latest = runs[runs.length - 1]?.runId ?? null;
  const selected = params.get('selected');
  const overlay = params.has('overlay') ? (params.get('overlay') ?? '').split(',').filter((id) => known.has(id)) : latest ? [latest] : [];
  return { selected: selected && known.has(selected) ? selected : latest, overlay };
}

export default function BacktestsView() {
  const runs = useQuery({ queryKey: ['backtests'], queryFn: ({ signal }) => api.backtests(signal) });
  return (
    <div className="view" data-testid="backtests">
      <div className="view-head">
        <h1>Backtest runs</h1>
      </div>
      <QueryView query={runs} what="The backtest runs">
        {(list) =>
          list.length === 0 ? (
            <Card>
              <Empty>No finished backtest runs in this data directory: `robo backtest run` makes one (docs/strategies.md).</Empty>
            </Card>
          ) : (
            <Runs runs={list} />
          )
        }
      </QueryView>
    </div>
  );
}

function Runs({ runs }: { runs: C.BacktestRun[] }) {
  const { route } = useApp();
  const { selected, overlay } = selection(route.params, runs);
  const go = (next: { selected?: string | null; overlay?: string[] }) =>
    navigate('backtests', [], { selected: (next.selected === undefined ? selected : next.selected) ?? undefined, overlay: (next.overlay ?? overlay).join(',') || ',' });
  const toggle = (runId: string, on: boolean) => go({ overlay: on ? [...overlay.filter((id) => id !== runId), runId] : overlay.filter((id) => id !== runId) });
  const run = runs.find((r) => r.runId === selected) ?? null;
  return (
    <>
      <Card title={`Runs (${runs.length})`}>
        <div className="table-wrap">
          <table className="table table-compact" data-testid="backtest-runs">
            <thead>
              <tr>
                <th title="overlay the equity curve">Chart</th>
                <th>Run</th>
                <th>Kind, parameters and data</th>
                <th>Span (IST)</th>
                <th>Hash</th>
                {COLUMNS.map(([key, label]) => (
                  <th key={key} className="num">
                    {label}
                  </th>
                ))}
                <th>Log</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.runId} className={r.runId === selected ? 'selected' : ''} data-testid="backtest-run" data-run-id={r.runId}>
                  <td>
                    <input type="checkbox" checked={overlay.includes(r.runId)} onChange={(e) => toggle(r.runId, e.target.checked)} aria-label={`Overlay run ${runTag(r.runId)}`} data-testid="overlay-toggle" />
                  </td>
                  <td>
                    <button type="button" className="link" onClick={() => go({ selected: r.runId })} data-testid="select-run" title={`made ${istDateTime(r.createdAt)}`}>
                      {runTag(r.runId)}
                    </button>
                  </td>
                  <td>
                    <div>{r.kind}</div>
                    <code className="muted small" data-testid="run-parameters">
                      {JSON.stringify(r.parameters)}
                    </code>
                    <div className="small" data-testid="run-data">
                      {dataText(r.data)}
                    </div>
                  </td>
                  <td className="small">
                    <div>{istShort(r.from)} –</div>
                    <div>{istShort(r.to)}</div>
                  </td>
                  <td>
                    <CopyText text={r.hash} short={10} testId="run-hash" />
                  </td>
                  {COLUMNS.map(([key]) => (
                    <td key={key} className="num" data-testid={`run-${key}`}>
                      <StatisticValue name={key} value={headline(r.statistics, key)} notes={[]} />
                    </td>
                  ))}
                  <td className="small">
                    <a href={href('audit', [], { run: r.runId, scope: 'all' })} data-testid="run-audit">
                      audit
                    </a>{' '}
                    <a href={href('time-travel', [], { run: r.runId })} data-testid="run-time-travel">
                      time travel
                    </a>{' '}
                    <a href={href('audit', [], { run: r.runId, scope: 'all', tab: 'lineage' })} data-testid="run-lineage">
                      lineage
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      <EquityOverlay runs={overlay.map((id) => runs.find((r) => r.runId === id)!)} />
      {run && <RunDetail run={run} />}
    </>
  );
}

/** "CSV INFY, 5 bars" or "simulator seed s1, 60 s steps": what a run's data object says. */
function dataText(data: Record<string, unknown>): string {
  if (data.source === 'csv') return `CSV ${String(data.symbol ?? '')}, ${quantity(Number(data.bars))} bars`;
  if (data.source === 'simulator') return `simulator seed ${String(data.seed ?? '')}, ${String(data.stepSeconds ?? '')} s steps`;
  return JSON.stringify(data);
}

/**
 * A run's equity as points in time: its start capital at the run's start, then each trading day's close at 15:30
 * IST (epoch seconds, so that runs over other days share one time axis).
 */
export function equityPoints(run: C.BacktestRun, equity: C.BacktestEquity, value: (paise: number) => number): ChartPoint[] {
  const points: ChartPoint[] = [];
  for (const p of equity.equityCurve) {
    const at = p.kind === 'START' ? Date.parse(run.from) : Date.parse(`${p.date}${CLOSE_IST}`);
    const seconds = Math.floor(at / 1000);
    const previous = points[points.length - 1];
    // The axis needs rising times: a start at or after its first close goes a minute before it.
    points.push({ time: previous && seconds <= Number(previous.time) ? Number(previous.time) + 60 : seconds, value: value(p.equityPaise) });
  }
  if (points.length > 1 && points[0].time >= points[1].time) points[0] = { ...points[0], time: Number(points[1].time) - 60 };
  return points;
}

function EquityOverlay({ runs }: { runs: C.BacktestRun[] }) {
  const { theme } = useApp();
  const [scale, setScale] = useState<Scale>('normalised');
  const curves = useQueries({ queries: runs.map((r) => ({ queryKey: ['backtests', r.runId, 'equity'], queryFn: ({ signal }: { signal: AbortSignal }) => api.backtestEquity(r.runId, signal), staleTime: Infinity })) });
  const ready = curves.every((q) => q.data !== undefined);
  const failed = curves.find((q) => q.isError);
  const series: ChartSeries[] = ready
    ? runs.map((r, i) => {
        const equity = curves[i].data!;
        const value = scale === 'normalised' ? (paise: number) => (paise / equity.capitalPaise) * 100 : (paise: number) => paise / 100;
        return { label: runTag(r.runId), color: COLOURS[i % COLOURS.length], points: equityPoints(r, equity, value) };
      })
    : [];
  return (
    <Card
      title="Equity curves"
      actions={<Segmented name="equity-scale" label="Scale" value={scale} options={SCALES} onChange={setScale} />}
    >
      {failed ? (
        <QueryView query={failed} what="A run's equity curve">{() => null}</QueryView>
      ) : runs.length === 0 ? (
        <Empty>Tick runs in the table to overlay their equity curves.</Empty>
      ) : !ready ? (
        <Empty>Loading the equity curves…</Empty>
      ) : (
        <>
          <Overlay
            series={series}
            unit={scale === 'normalised' ? 'percent' : 'rupees'}
            theme={theme}
            label={scale === 'normalised' ? 'Equity of each run as a percentage of its start capital' : 'Equity of each run, in rupees'}
          />
          <ul className="chart-legend" data-testid="equity-legend">
            {runs.map((r, i) => (
              <li key={r.runId} data-testid="legend-item" data-run-id={r.runId}>
                <span className="swatch" style={{ background: COLOURS[i % COLOURS.length] }} aria-hidden="true" />
                <code>{runTag(r.runId)}</code> {r.kind} <span className="muted small">{JSON.stringify(r.parameters)}</span>{' '}
                <span className={pnlClass(r.statistics.profitPaise)}>{rupees(r.statistics.profitPaise, { sign: true })}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}

function RunDetail({ run }: { run: C.BacktestRun }) {
  const { theme } = useApp();
  const equity = useQuery({ queryKey: ['backtests', run.runId, 'equity'], queryFn: ({ signal }) => api.backtestEquity(run.runId, signal), staleTime: Infinity });
  const trades = useQuery({ queryKey: ['backtests', run.runId, 'trades'], queryFn: ({ signal }) => api.backtestTrades(run.runId, signal), staleTime: Infinity });
  return (
    <div data-testid="run-detail" data-run-id={run.runId}>
      <div className="grid-2">
        <Card title={`Drawdown of run ${runTag(run.runId)}`}>
          <QueryView query={equity} what="The run's drawdown">
            {(e) => (
              <div data-testid="run-drawdown">
                <Chart
                  points={dailyPoints(e.drawdownSeries, (p) => p.date, (p) => -Math.abs(p.drawdownPaise) / 100)}
                  kind="drawdown"
                  theme={theme}
                  label="Drawdown from the previous equity peak, in rupees"
                />
              </div>
            )}
          </QueryView>
        </Card>
        <Card title="Statistics">
          <StatisticsTable statistics={run.statistics} testId="run-statistics" />
        </Card>
      </div>
      <Card title={`Trades of run ${runTag(run.runId)}`}>
        <QueryView query={trades} what="The run's trades">{(items) => <RunTrades trades={items} />}</QueryView>
      </Card>
    </div>
  );
}

function RunTrades({ trades }: { trades: C.BacktestTrade[] }) {
  if (trades.length === 0) return <Empty>The run closed no trade.</Empty>;
  return (
    <div className="table-wrap">
      <table className="table table-compact" data-testid="run-trades">
        <thead>
          <tr>
            <th>Instrument</th>
            <th>Direction</th>
            <th>Entry (IST)</th>
            <th>Exit (IST)</th>
            <th className="num">Quantity</th>
            <th className="num">Entry price</th>
            <th className="num">Exit price</th>
            <th className="num">Gross P&L</th>
            <th className="num">Fees</th>
            <th className="num">Net P&L</th>
          </tr>
        </thead>
        <tbody>
          {trades.map((t) => (
            <tr key={`${t.instrument}-${t.cycle}`} data-testid="run-trade">
              <td>{t.instrument}</td>
              <td>{t.direction === 'SHORT' ? 'Short' : 'Long'}</td>
              <td data-testid="trade-entry-time">{istDateTime(t.openedAt)}</td>
              <td data-testid="trade-exit-time">{istDateTime(t.closedAt)}</td>
              <td className="num" data-testid="trade-quantity">
                {t.entryQuantity === t.exitQuantity ? quantity(t.entryQuantity) : `${quantity(t.entryQuantity)} / ${quantity(t.exitQuantity)}`}
              </td>
              <td className="num" data-testid="trade-entry-price">{rupees(t.entryAveragePricePaise)}</td>
              <td className="num" data-testid="trade-exit-price">{rupees(t.exitAveragePricePaise)}</td>
              <td className={`num ${pnlClass(t.realizedGrossPaise)}`} data-testid="trade-gross">{rupees(t.realizedGrossPaise, { sign: true })}</td>
              <td className="num" data-testid="trade-fees">{rupees(t.feesPaise)}</td>
              <td className={`num ${pnlClass(t.realizedNetPaise)}`} data-testid="trade-net">{rupees(t.realizedNetPaise, { sign: true })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
