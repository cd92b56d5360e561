import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { LogSource, TimeAxis } from '../api/log-source';
import type { Portfolio, StoredEvent } from '../api/types';
import { LogScope } from '../components/log-scope';
import { NeedsAccount } from '../components/needs-account';
import { Card, Empty, Loading, QueryView, Segmented, Stat } from '../components/ui';
import { instantToIstInput, istDateTime, pnlClass, quantity, rupees } from '../lib/format';
import { href } from '../lib/route';

type Axis = TimeAxis;
const AXES: readonly Axis[] = ['business', 'recorded'];

/** The live account's history, or a backtest run's (#/time-travel?run=<runId>): the same view over another source. */
export default function TimeTravelView() {
  return (
    <LogScope>
      {({ source, accountId }) =>
        source.runId && accountId ? <TimeTravel source={source} accountId={accountId} /> : <NeedsAccount>{(id) => <TimeTravel source={source} accountId={id} />}</NeedsAccount>
      }
    </LogScope>
  );
}

interface History {
  /** Instants (ms) at which the account's own stream changed, per axis: the slider's ticks and its range. */
  marks: Record<Axis, number[]>;
}

function timeOf(event: StoredEvent, axis: Axis): number {
  return Date.parse(axis === 'business' ? String(event.metadata.occurredAt) : event.recordedAt);
}

/** The account stream gives the history's bounds and the instants worth stepping to. */
async function loadHistory(source: LogSource, accountId: string, signal: AbortSignal): Promise<History> {
  const stream = `account-${accountId}`;
  const first = await source.streamEvents(stream, { direction: 'forwards', limit: 200 }, signal);
  let events = first.events;
  if (events.length === 200) {
    const last = await source.streamEvents(stream, { direction: 'backwards', limit: 1 }, signal);
    events = [...events, ...last.events];
  }
  const marks = (axis: Axis) => [...new Set(events.map((e) => timeOf(e, axis)).filter(Number.isFinite))].sort((a, b) => a - b);
  return { marks: { business: marks('business'), recorded: marks('recorded') } };
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

function TimeTravel({ source, accountId }: { source: LogSource; accountId: string }) {
  const [axis, setAxis] = useState<Axis>('business');
  const history = useQuery({ queryKey: ['history', source.key, accountId], queryFn: ({ signal }) => loadHistory(source, accountId, signal) });
  const marks = history.data?.marks[axis] ?? [];
  const min = marks[0] ?? 0;
  const max = marks[marks.length - 1] ?? 0;
  // Null: follow the latest instant; a number: where the user put the slider.
  const [at, setAt] = useState<number | null>(null);
  const [compareAt, setCompareAt] = useState<number | null>(null);
  useEffect(() => {
    setAt(null);
    setCompareAt(null);
  }, [axis, accountId]);
  const instant = Math.min(Math.max(at ?? max, min), max);
  const debounced = useDebounced(instant, 200);

  if (history.isPending) return <Loading />;
  if (!history.data) return <QueryView query={history} what="The account history">{() => null}</QueryView>;
  if (marks.length === 0) return <Empty>The account has no history yet.</Empty>;

  const step = (direction: -1 | 1) => {
    const next = direction < 0 ? [...marks].reverse().find((m) => m < instant) : marks.find((m) => m > instant);
    if (next !== undefined) setAt(next);
  };

  return (
    <div className="view" data-testid="time-travel">
      <div className="view-head">
        <h1>Time travel</h1>
        <div className="view-tools">
          <Segmented name="axis" label="Time axis" value={axis} options={AXES} onChange={setAxis} />
        </div>
      </div>
      <Card>
        <div className="slider-head">
          <div>
            <div className="muted small">Portfolio as of ({axis} time)</div>
            <div className="slider-instant" data-testid="as-of">
              {istDateTime(new Date(instant).toISOString())}
            </div>
          </div>
          <div className="row">
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setAt(min)} data-testid="tt-first">
              « First
            </button>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => step(-1)} data-testid="tt-prev">
              ‹ Event
            </button>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => step(1)} data-testid="tt-next">
              Event ›
            </button>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setAt(null)} data-testid="tt-latest">
              Latest »
            </button>
          </div>
        </div>
        <input
          type="range"
          className="slider"
          min={min}
          max={max}
          step="any"
          value={instant}
          list="tt-marks"
          onChange={(e) => setAt(Math.round(Number(e.target.value)))}
          aria-label="Instant to show the portfolio at"
          data-testid="tt-slider"
          disabled={min === max}
        />
        <datalist id="tt-marks">
          {marks.map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
        <div className="slider-scale muted small">
          <span>{istDateTime(new Date(min).toISOString())}</span>
          <span>
            {marks.length} change{marks.length === 1 ? '' : 's'} of the account
          </span>
          <span>{istDateTime(new Date(max).toISOString())}</span>
        </div>
        <div className="row compare-row">
          <label className="inline-label">
            <input type="checkbox" checked={compareAt !== null} onChange={(e) => setCompareAt(e.target.checked ? max : null)} data-testid="tt-compare" /> Compare with
          </label>
          {compareAt !== null && (
            <>
              <input
                type="range"
                className="slider slider-b"
                min={min}
                max={max}
                step="any"
                value={compareAt}
                list="tt-marks"
                onChange={(e) => setCompareAt(Math.round(Number(e.target.value)))}
                aria-label="Second instant to compare with"
              />
              <span className="small">{istDateTime(new Date(compareAt).toISOString())}</span>
            </>
          )}
        </div>
      </Card>
      <AsOf source={source} accountId={accountId} asOf={new Date(debounced).toISOString()} axis={axis} compareAsOf={compareAt === null ? null : new Date(compareAt).toISOString()} />
    </div>
  );
}

function AsOf({ source, accountId, asOf, axis, compareAsOf }: { source: LogSource; accountId: string; asOf: string; axis: Axis; compareAsOf: string | null }) {
  const scope = `${source.key}|${accountId}`;
  const a = useQuery({
    queryKey: ['as-of', scope, axis, asOf],
    queryFn: ({ signal }) => source.portfolioAsOf(accountId, asOf, axis, signal),
    staleTime: Infinity,
    // While the slider moves, the last answer stays until the next one is in.
    placeholderData: (previous, prior) => (prior?.queryKey[1] === scope ? previous : undefined),
  });
  const b = useQuery({
    queryKey: ['as-of', scope, axis, compareAsOf],
    queryFn: ({ signal }) => source.portfolioAsOf(accountId, compareAsOf!, axis, signal),
    enabled: compareAsOf !== null,
    staleTime: Infinity,
  });
  return (
    <QueryView query={a} what="The portfolio as of an instant">
      {(p) => (
        <>
          <AsOfFigures portfolio={p} />
          {compareAsOf !== null && b.data && <Changes before={p} after={b.data} from={asOf} to={compareAsOf} axis={axis} runId={source.runId} />}
          {p.sources && (
            <p className="muted small" data-testid="as-of-sources">
              Folded from {p.sources.map((s) => `${s.stream} (${s.events} events)`).join(', ')}.
            </p>
          )}
        </>
      )}
    </QueryView>
  );
}

function AsOfFigures({ portfolio: p }: { portfolio: Portfolio }) {
  const open = p.positions.filter((x) => x.quantity !== 0);
  return (
    <>
      <div className="stats-grid" data-testid="as-of-figures">
        <Stat label="Equity" value={rupees(p.equityPaise)} testId="tt-equity" />
        <Stat label="Cash" value={rupees(p.cashPaise)} testId="tt-cash" />
        <Stat label="Market value" value={rupees(p.marketValuePaise)} />
        <Stat label="Realized net" value={rupees(p.realizedNetPaise, { sign: true })} tone={p.realizedNetPaise} />
        <Stat label="Fees" value={rupees(p.feesPaise)} />
        <Stat label="Unrealized" value={rupees(p.unrealizedPnlPaise, { sign: true })} tone={p.unrealizedPnlPaise} hint="at the market price recorded then" />
        {p.totalPnlPaise !== undefined && <Stat label="Total P&L" value={rupees(p.totalPnlPaise, { sign: true })} tone={p.totalPnlPaise} testId="tt-total-pnl" hint="equity - money put in" />}
      </div>
      <Card title={`Positions then (${open.length} open)`}>
        {p.exists === false ? (
          <Empty>The account did not exist yet.</Empty>
        ) : p.positions.length === 0 ? (
          <Empty>No positions at this instant.</Empty>
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="tt-positions">
              <thead>
                <tr>
                  <th>Instrument</th>
                  <th className="num">Qty</th>
                  <th className="num">Avg price</th>
                  <th className="num">Last</th>
                  <th className="num">Unrealized</th>
                  <th className="num">Realized net</th>
                </tr>
              </thead>
              <tbody>
                {p.positions.map((x) => (
                  <tr key={x.instrument}>
                    <td>{x.instrument}</td>
                    <td className="num">{quantity(x.quantity)}</td>
                    <td className="num">{x.quantity === 0 ? '—' : rupees(x.averagePricePaise)}</td>
                    <td className="num">{rupees(x.lastPricePaise)}</td>
                    <td className={`num ${pnlClass(x.unrealizedPnlPaise)}`}>{rupees(x.unrealizedPnlPaise, { sign: true })}</td>
                    <td className={`num ${pnlClass(x.realizedNetPaise)}`}>{rupees(x.realizedNetPaise, { sign: true })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}

const FIGURES: [keyof Portfolio, string][] = [
  ['cashPaise', 'Cash'],
  ['equityPaise', 'Equity'],
  ['marketValuePaise', 'Market value'],
  ['realizedNetPaise', 'Realized net'],
  ['feesPaise', 'Fees'],
  ['unrealizedPnlPaise', 'Unrealized'],
  ['totalPnlPaise', 'Total P&L'],
];

/** What changed between the two instants: each figure, each position's quantity, and the events in between. */
function Changes({ before, after, from, to, axis, runId }: { before: Portfolio; after: Portfolio; from: string; to: string; axis: Axis; runId: string | null }) {
  const [start, end] = from <= to ? [before, after] : [after, before];
  const instruments = useMemo(() => [...new Set([...start.positions, ...end.positions].map((p) => p.instrument))].sort(), [start, end]);
  const qty = (p: Portfolio, i: string) => p.positions.find((x) => x.instrument === i)?.quantity ?? 0;
  const moved = instruments.filter((i) => qty(start, i) !== qty(end, i));
  const [lo, hi] = from <= to ? [from, to] : [to, from];
  return (
    <Card title="What changed" actions={<a href={href('audit', [], { from: instantToIstInput(lo), to: instantToIstInput(hi), time: axis, scope: 'account', run: runId ?? undefined })}>events in between →</a>}>
      <div className="table-wrap">
        <table className="table table-compact" data-testid="tt-changes">
          <thead>
            <tr>
              <th>Figure</th>
              <th className="num">Earlier</th>
              <th className="num">Later</th>
              <th className="num">Change</th>
            </tr>
          </thead>
          <tbody>
            {FIGURES.map(([key, label]) => {
              const x = Number(start[key] ?? 0);
              const y = Number(end[key] ?? 0);
              return (
                <tr key={key}>
                  <td>{label}</td>
                  <td className="num">{rupees(x)}</td>
                  <td className="num">{rupees(y)}</td>
                  <td className={`num ${pnlClass(y - x)}`}>{y === x ? '—' : rupees(y - x, { sign: true })}</td>
                </tr>
              );
            })}
            {moved.map((i) => (
              <tr key={i}>
                <td>{i} quantity</td>
                <td className="num">{quantity(qty(start, i))}</td>
                <td className="num">{quantity(qty(end, i))}</td>
                <td className="num">{qty(end, i) - qty(start, i) > 0 ? '+' : ''}{quantity(qty(end, i) - qty(start, i))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
