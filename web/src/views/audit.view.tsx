import { useEffect, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { LogSource } from '../api/log-source';
import type { AuditEntry } from '../api/types';
import { useApp } from '../app-context';
import { CausalTree } from '../components/causal-tree';
import { LineagePanel } from '../components/lineage';
import { LogScope, type LogScopeValue } from '../components/log-scope';
import { StaleMark } from '../components/live-badge';
import { Card, Empty, Loading, QueryView, Segmented } from '../components/ui';
import { istDateTime, istInputToInstant, istShort, shortId } from '../lib/format';
import { href, navigate } from '../lib/route';

const FILTERS = ['stream', 'correlationId', 'actor', 'type', 'from', 'to', 'time', 'scope'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;
const TABS = ['event', 'tree', 'lineage'] as const;

interface Picked {
  stream: string;
  revision?: number;
  position: number;
  correlationId?: string;
}

/** The filters live in the address (#/audit?stream=…), so a link from an order or a figure opens the right trail. */
function filtersFrom(params: URLSearchParams): Filters {
  const f = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? ''])) as Filters;
  f.time ||= 'recorded';
  f.scope ||= 'account';
  return f;
}

export default function AuditView() {
  return <LogScope>{(scope) => <Audit {...scope} />}</LogScope>;
}

/** The trail of the live log, or of a backtest run's (#/audit?run=<runId>): the same view over another source. */
function Audit({ source, accountId }: LogScopeValue) {
  const { route } = useApp();
  const run = source.runId ?? undefined;
  const applied = filtersFrom(route.params);
  const [draft, setDraft] = useState<Filters>(applied);
  const paramsText = route.params.toString();
  // A link that changes the address (a correlation, an order's stream) also changes the form.
  useEffect(() => {
    setDraft(filtersFrom(new URLSearchParams(paramsText)));
    setCursors([undefined]);
  }, [paramsText]);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  // An event picked in the table (stream and revision) or in the causal tree (stream and global position).
  const [picked, setPicked] = useState<Picked | null>(null);
  // #/audit?tab=lineage opens on a tab (a run's lineage link).
  const [tab, setTab] = useState<(typeof TABS)[number]>(() => TABS.find((t) => t === route.params.get('tab')) ?? 'event');
  const cursor = cursors[cursors.length - 1];
  const query: Record<string, string | undefined> = {
    stream: applied.stream || undefined,
    correlationId: applied.correlationId || undefined,
    actor: applied.actor || undefined,
    type: applied.type || undefined,
    from: istInputToInstant(applied.from),
    to: istInputToInstant(applied.to),
    time: applied.from || applied.to ? applied.time : undefined,
    accountId: applied.scope === 'account' && accountId ? accountId : undefined,
    limit: '50',
    cursor,
  };
  const trail = useQuery({
    queryKey: ['audit', `${source.key}|${accountId ?? ''}`, JSON.stringify(query)],
    queryFn: ({ signal }) => source.audit(query, signal),
    placeholderData: (previous, prior) => (prior?.queryKey[1] === `${source.key}|${accountId ?? ''}` ? previous : undefined),
  });
  const portfolio = useQuery({ queryKey: [source.key, 'portfolio', accountId ?? ''], queryFn: ({ signal }) => source.portfolio(accountId!, signal), enabled: !!accountId });

  function apply(e?: FormEvent) {
    e?.preventDefault();
    setCursors([undefined]);
    navigate('audit', [], { ...draft, time: draft.time === 'recorded' ? undefined : draft.time, scope: draft.scope === 'account' ? undefined : draft.scope, run });
  }

  function set(field: keyof Filters, value: string) {
    setDraft((d) => ({ ...d, [field]: value }));
  }

  function pick(entry: AuditEntry) {
    setPicked({ stream: entry.streamName, revision: entry.streamRevision, position: entry.position, correlationId: entry.correlationId });
    setTab('event');
    // Below a laptop width the detail sits under the table: bring it into view.
    if (window.matchMedia('(max-width: 1279px)').matches) document.querySelector('.audit-side')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  return (
    <div className="view audit-layout" data-testid="audit">
      <div className="audit-main">
        <div className="view-head">
          <h1>
            Audit trail <StaleMark />
          </h1>
        </div>
        <Card>
          <form className="filter-grid" onSubmit={apply} data-testid="audit-filters">
            <label>
              Stream
              <input value={draft.stream} onChange={(e) => set('stream', e.target.value)} placeholder="order-…" spellCheck={false} />
            </label>
            <label>
              Correlation
              <input value={draft.correlationId} onChange={(e) => set('correlationId', e.target.value)} spellCheck={false} />
            </label>
            <label>
              Actor
              <input value={draft.actor} onChange={(e) => set('actor', e.target.value)} spellCheck={false} />
            </label>
            <label>
              Type
              <input value={draft.type} onChange={(e) => set('type', e.target.value)} placeholder="OrderFilled" spellCheck={false} />
            </label>
            <label>
              From (IST)
              <input type="datetime-local" step="1" value={draft.from} onChange={(e) => set('from', e.target.value)} />
            </label>
            <label>
              To (IST)
              <input type="datetime-local" step="1" value={draft.to} onChange={(e) => set('to', e.target.value)} />
            </label>
            <label>
              Time
              <select value={draft.time} onChange={(e) => set('time', e.target.value)}>
                <option value="recorded">recorded</option>
                <option value="business">business</option>
              </select>
            </label>
            <label>
              Scope
              <select value={draft.scope} onChange={(e) => set('scope', e.target.value)}>
                <option value="account">this account</option>
                <option value="all">every account</option>
              </select>
            </label>
            <div className="filter-actions">
              <button className="btn btn-primary btn-small">Apply</button>
              <button
                type="button"
                className="btn btn-ghost btn-small"
                onClick={() => {
                  setDraft(filtersFrom(new URLSearchParams()));
                  setCursors([undefined]);
                  navigate('audit', [], { run });
                }}
              >
                Clear
              </button>
            </div>
          </form>
        </Card>
        <Card>
          <QueryView query={trail} what="The audit trail">
            {(page) => (
              <>
                {page.items.length === 0 ? (
                  <Empty>No events match.</Empty>
                ) : (
                  <div className="table-wrap">
                    <table className="table table-compact" data-testid="audit-table">
                      <thead>
                        <tr>
                          <th className="num">#</th>
                          <th>Recorded (IST)</th>
                          <th>Business (IST)</th>
                          <th>Event</th>
                          <th>Summary</th>
                        </tr>
                      </thead>
                      <tbody>
                        {page.items.map((e) => (
                          <tr
                            key={e.eventId}
                            className={`clickable ${picked?.position === e.position ? 'selected' : ''}`}
                            onClick={() => pick(e)}
                            data-testid="audit-row"
                          >
                            <td className="num">{e.position}</td>
                            <td title={istDateTime(e.recordedAt)}>{istShort(e.recordedAt)}</td>
                            <td title={istDateTime(e.occurredAt)}>
                              {istShort(e.occurredAt)}
                            </td>
                            <td>
                              <div>{e.type}</div>
                              <div className="muted small">{e.actor}</div>
                            </td>
                            <td className="summary">{e.summary}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
                <div className="pager">
                  <button type="button" className="btn btn-small btn-ghost" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
                    ← Earlier
                  </button>
                  <span className="muted small">Page {cursors.length}</span>
                  <button type="button" className="btn btn-small btn-ghost" disabled={!page.nextCursor} onClick={() => setCursors((c) => [...c, page.nextCursor ?? undefined])}>
                    Later →
                  </button>
                </div>
              </>
            )}
          </QueryView>
        </Card>
      </div>
      <aside className="audit-side">
        <Card actions={<Segmented name="audit-tab" label="Detail" value={tab} options={TABS} onChange={setTab} />} title="Detail">
          {tab === 'event' &&
            (picked ? (
              <EventDetail
                source={source}
                picked={picked}
                onCorrelation={(id) => {
                  setPicked((p) => (p ? { ...p, correlationId: id } : p));
                  setTab('tree');
                }}
              />
            ) : (
              <Empty>Pick an event to see its data and metadata.</Empty>
            ))}
          {tab === 'tree' &&
            (picked?.correlationId ? (
              <CausalTree source={source} correlationId={picked.correlationId} onPick={(n) => {
                  setPicked({ stream: n.stream, position: n.globalPosition, correlationId: picked.correlationId });
                  setTab('event');
                }} />
            ) : (
              <Empty>Pick an event: its correlation id names the tree.</Empty>
            ))}
          {tab === 'lineage' &&
            (accountId ? <LineagePanel source={source} accountId={accountId} instruments={(portfolio.data?.positions ?? []).map((p) => p.instrument)} /> : <Empty>Choose an account first.</Empty>)}
        </Card>
      </aside>
    </div>
  );
}

async function revisionOf(source: LogSource, picked: Picked, signal: AbortSignal): Promise<number | null> {
  if (picked.revision !== undefined) return picked.revision;
  // From the tree: find the revision among the stream's events of that correlation.
  const page = await source.audit({ stream: picked.stream, correlationId: picked.correlationId, limit: '200' }, signal);
  return page.items.find((e) => e.position === picked.position)?.streamRevision ?? null;
}

function EventDetail({ source, picked, onCorrelation }: { source: LogSource; picked: Picked; onCorrelation: (id: string) => void }) {
  const event = useQuery({
    queryKey: ['audit', 'event', source.key, picked.stream, picked.position],
    queryFn: async ({ signal }) => {
      const revision = await revisionOf(source, picked, signal);
      return revision === null ? { stream: picked.stream, events: [] } : source.streamEvents(picked.stream, { fromRevision: revision, limit: 1 }, signal);
    },
  });
  if (event.isPending) return <Loading />;
  return (
    <QueryView query={event} what="The event">
      {(answer) => {
        const e = answer.events[0];
        if (!e) return <Empty>The event is not in the log.</Empty>;
        const m = e.metadata;
        return (
          <div className="event-detail" data-testid="event-detail">
            <h3>
              {e.type} <span className="muted small">#{e.globalPosition}</span>
            </h3>
            <dl className="kv">
              <dt>Stream</dt>
              <dd>
                <code>
                  {e.streamName} @ {e.streamRevision}
                </code>
              </dd>
              <dt>Business time</dt>
              <dd>{istDateTime(m.occurredAt)}</dd>
              <dt>Recorded</dt>
              <dd>{istDateTime(e.recordedAt)}</dd>
              <dt>Actor</dt>
              <dd>{m.actor ?? '—'}</dd>
              <dt>Correlation</dt>
              <dd>
                {m.correlationId ? (
                  <>
                    <code>{shortId(m.correlationId)}</code>{' '}
                    <button type="button" className="link" onClick={() => onCorrelation(m.correlationId!)} data-testid="show-tree">
                      causal tree
                    </button>{' '}
                    <a href={href('audit', [], { correlationId: m.correlationId, scope: 'all', run: source.runId ?? undefined })}>all its events</a>
                  </>
                ) : (
                  '—'
                )}
              </dd>
              <dt>Causation</dt>
              <dd>
                <code>{m.causationId ? shortId(m.causationId) : '—'}</code>
              </dd>
              <dt>Event id</dt>
              <dd>
                <code>{m.eventId}</code>
              </dd>
            </dl>
            <h4>Data</h4>
            <pre className="json">{JSON.stringify(e.data, null, 2)}</pre>
            <h4>Metadata</h4>
            <pre className="json">{JSON.stringify(e.metadata, null, 2)}</pre>
          </div>
        );
      }}
    </QueryView>
  );
}

