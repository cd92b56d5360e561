import { lazy, Suspense } from 'react';
import type { ChartPoint } from './chart';
import { Empty, Loading } from './ui';

// lightweight-charts is the heaviest dependency: it loads with the first chart on screen, not with the app.
const TimeSeriesChart = lazy(() => import('./chart'));

export function Chart(props: { points: ChartPoint[]; kind: 'equity' | 'drawdown'; theme: string; height?: number; label: string }) {
  if (props.points.length === 0) return <Empty>No data points yet.</Empty>;
  return (
    <Suspense fallback={<Loading label="Loading chart…" />}>
      <TimeSeriesChart {...props} />
    </Suspense>
  );
}

/** Daily series come as YYYY-MM-DD; several points on one day keep the last. */
export function dailyPoints<T>(rows: readonly T[], date: (row: T) => string, value: (row: T) => number): ChartPoint[] {
  const byDay = new Map<string, number>();
  for (const row of rows) byDay.set(date(row).slice(0, 10), value(row));
  return [...byDay.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([time, v]) => ({ time, value: v }));
}
