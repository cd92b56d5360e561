import { lazy, Suspense } from 'react';
import type { ChartPoint, ChartSeries, ChartUnit } from './chart';
import { Empty, Loading } from './ui';

// lightweight-charts is the heaviest dependency: it loads with the first chart on screen, not with the app.
const TimeSeriesChart = lazy(() => import('./chart'));
const LazyOverlayChart = lazy(async () => ({ default: (await import('./chart')).OverlayChart }));

export function Chart(props: { points: ChartPoint[]; kind: 'equity' | 'drawdown'; theme: string; height?: number; label: string }) {
  if (props.points.length === 0) return <Empty>No data points yet.</Empty>;
  return (
    <Suspense fallback={<Loading label="Loading chart…" />}>
      <TimeSeriesChart {...props} />
    </Suspense>
  );
}

/** Several series on one chart (lines), e.g. backtest runs' equity curves overlaid. */
export function Overlay(props: { series: ChartSeries[]; unit: ChartUnit; theme: string; height?: number; label: string }) {
  if (props.series.length === 0) return <Empty>Nothing selected to draw.</Empty>;
  return (
    <Suspense fallback={<Loading label="Loading chart…" />}>
      <LazyOverlayChart {...props} />
    </Suspense>
  );
}

/** Daily series come as YYYY-MM-DD; several points on one day keep the last. */
export function dailyPoints<T>(rows: readonly T[], date: (row: T) => string, value: (row: T) => number): ChartPoint[] {
  const byDay = new Map<string, number>();
  for (const row of rows) byDay.set(date(row).slice(0, 10), value(row));
  return [...byDay.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([time, v]) => ({ time, value: v }));
}
