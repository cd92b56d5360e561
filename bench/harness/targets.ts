import { formatValue, type Figure, type TargetResult } from './report';
import type { Sizes } from './suite';

const FULL_LOG = 1_000_000;

/** The targets, judged on figures (and ratios of figures) measured in the same run. */
export function evaluateTargets(figures: readonly Figure[], sizes: Sizes): TargetResult[] {
  const value = (id: string): number | null => figures.find((f) => f.id === id)?.value ?? null;
  const results: TargetResult[] = [];
  const atLeast = (target: string, measured: number | null, min: number, unit: string) =>
    results.push({ target, measured: measured === null ? 'n/a' : `${formatValue(measured)} ${unit}`, met: measured === null ? null : measured >= min });
  const below = (target: string, measured: number | null, max: number, unit: string, comparable = true) =>
    results.push({
      target,
      measured: measured === null ? 'n/a' : `${formatValue(measured)} ${unit}${comparable ? '' : ' (reduced size: not comparable)'}`,
      met: measured === null || !comparable ? null : measured < max,
    });
  const ratio = (a: number | null, b: number | null): number | null => (a === null || b === null || b === 0 ? null : a / b);

  atLeast('1. append, 64 writers: >= 20,000 events/s durable', value('append.single.w64.rate'), 20_000, 'events/s');
  below('1. append, 64 writers: p99 < 20 ms', value('append.single.w64.p99'), 20, 'ms');
  atLeast('2. batches of 100: >= 0.5 x raw single-transaction insert', value('ratio.batch-raw-single') ?? ratio(value('append.batch100.rate'), value('raw.single-tx.rate')), 0.5, 'x');
  atLeast('3. place order over HTTP: >= 3,000 commands/s (one account)', value('http.place.rate'), 3_000, 'req/s');
  atLeast('3. place order over HTTP: >= 3,000 commands/s (64 accounts)', value('http.place-many.rate'), 3_000, 'req/s');
  below('3. place order over HTTP: p99 < 50 ms (one account)', value('http.place.p99'), 50, 'ms');
  below('3. place order over HTTP: p99 < 50 ms (64 accounts)', value('http.place-many.p99'), 50, 'ms');
  atLeast('3. orders/s >= 0.4 x GET /health/live (one account)', value('http.ratio'), 0.4, 'x');
  atLeast('3. orders/s >= 0.4 x GET /health/live (64 accounts)', value('http.ratio-many'), 0.4, 'x');
  atLeast('4. projections: >= 50,000 events/s (log events through all projections)', value('projection.rate'), 50_000, 'events/s');
  below('5. rebuild of 1,000,000 events: < 60 s', value('rebuild.seconds'), 60, 's', sizes.logEvents >= FULL_LOG);
  below('6. fold of a 1,000-event stream: < 5 ms (p50)', value('replay.fold.p50'), 5, 'ms');
  below('6. portfolio as of a time in the 1M-event log: < 1 s (p50)', value('replay.asof.p50'), 1000, 'ms', sizes.logEvents >= FULL_LOG);
  below('7. live update (order accepted to socket.io update): p99 < 100 ms', value('live.p99'), 100, 'ms');
  atLeast('peer: >= 3 x emmett-sqlite append throughput (64 writers)', value('ratio.w64-peer') ?? ratio(value('append.single.w64.rate'), value('peer.append.rate')), 3, 'x');
  const backtest = figures.find((f) => f.id === 'backtest.seconds');
  below('8. backtest of a year of one-minute bars (about 94,000): < 2 minutes', backtest?.value ?? null, 120, 's', Number(backtest?.parameters.bars ?? 0) >= 90_000);
  return results;
}
