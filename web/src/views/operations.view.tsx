import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import { ApiFailure } from '../api/http';
import { isAdmin } from '../api/session';
import { useApp } from '../app-context';
import { StaleMark } from '../components/live-badge';
import { Badge, Card, Empty, QueryView } from '../components/ui';
import { istDateTime, quantity } from '../lib/format';

export default function OperationsView() {
  const { session } = useApp();
  if (!isAdmin(session)) return <Empty>Operations are for administrators.</Empty>;
  return <Operations />;
}

function Operations() {
  const { notify } = useApp();
  const client = useQueryClient();
  const projections = useQuery({ queryKey: ['projections'], queryFn: ({ signal }) => api.projections(signal), refetchInterval: 5000 });
  const deadLetters = useQuery({ queryKey: ['projections', 'dead-letters'], queryFn: ({ signal }) => api.deadLetters(signal) });
  const [busy, setBusy] = useState<string | null>(null);
  const [rebuilt, setRebuilt] = useState<Record<string, Record<string, unknown> | string>>({});

  async function rebuild(name: string) {
    setBusy(`rebuild-${name}`);
    try {
      const result = await api.rebuild(name);
      setRebuilt((r) => ({ ...r, [name]: result }));
      notify(`Projection ${name} rebuilt`);
    } catch (error) {
      setRebuilt((r) => ({ ...r, [name]: error instanceof ApiFailure ? `${error.message} (${error.code})` : 'rebuild failed' }));
    } finally {
      setBusy(null);
      void client.invalidateQueries({ queryKey: ['projections'] });
    }
  }

  async function retry(id: string) {
    setBusy(`retry-${id}`);
    try {
      await api.retryDeadLetter(id);
      notify('Event retried');
    } catch (error) {
      notify(error instanceof ApiFailure ? `Retry failed: ${error.message}` : 'Retry failed', 'bad');
    } finally {
      setBusy(null);
      void client.invalidateQueries({ queryKey: ['projections'] });
    }
  }

  return (
    <div className="view" data-testid="operations">
      <div className="view-head">
        <h1>
          Operations <StaleMark />
        </h1>
      </div>
      <Card title="Projections" actions={projections.data?.head !== undefined && <span className="muted small">log head #{projections.data.head ?? '—'}</span>}>
        <QueryView query={projections} what="Projection status">
          {(p) => (
            <div className="table-wrap">
              <table className="table" data-testid="projections-table">
                <thead>
                  <tr>
                    <th>Projection</th>
                    <th className="num">Checkpoint</th>
                    <th className="num">Lag (events)</th>
                    <th className="num hide-narrow">Lag (s)</th>
                    <th>State</th>
                    <th aria-label="Actions" />
                  </tr>
                </thead>
                <tbody>
                  {p.projections.map((x) => {
                    const result = rebuilt[x.name];
                    return (
                      <tr key={x.name}>
                        <td>{x.name}</td>
                        <td className="num">{x.checkpoint ?? '—'}</td>
                        <td className="num">{x.caughtUp === null ? '—' : quantity(x.lagEvents)}</td>
                        <td className="num hide-narrow">{typeof x.lagSeconds === 'number' ? x.lagSeconds.toFixed(1) : '—'}</td>
                        <td>
                          {x.caughtUp === null || x.caughtUp === undefined ? (
                            <Badge>unknown</Badge>
                          ) : x.caughtUp ? (
                            <Badge tone="good">caught up</Badge>
                          ) : (
                            <Badge tone="warn">behind</Badge>
                          )}
                          {x.standby === true && <Badge title={`Another instance holds the projector lease and runs the projections: ${x.leaseHolder ?? 'unknown'}`}>standby</Badge>}
                          {result !== undefined && <RebuildResult result={result} />}
                        </td>
                        <td className="actions">
                          {x.caughtUp !== null && (
                            <button type="button" className="btn btn-small" disabled={busy !== null} onClick={() => void rebuild(x.name)}>
                              {busy === `rebuild-${x.name}` ? 'Rebuilding…' : 'Rebuild'}
                            </button>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              {p.reactors.length > 0 && (
                <table className="table table-compact" data-testid="reactors-table">
                  <thead>
                    <tr>
                      <th title="A reactor's checkpoint moves only on the events it handles; it is not a projection and is never rebuilt">Reactor</th>
                      <th className="num">Checkpoint</th>
                      <th className="num">Events after it</th>
                    </tr>
                  </thead>
                  <tbody>
                    {p.reactors.map((r) => (
                      <tr key={r.name}>
                        <td>{r.name}</td>
                        <td className="num">{r.checkpoint ?? '—'}</td>
                        <td className="num">{r.lagEvents === null ? '—' : quantity(r.lagEvents)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          )}
        </QueryView>
      </Card>
      <Card title="Dead letters">
        <QueryView query={deadLetters} what="The dead-letter list">
          {(list) =>
            list.length === 0 ? (
              <Empty>No parked events.</Empty>
            ) : (
              <div className="table-wrap">
                <table className="table table-compact">
                  <thead>
                    <tr>
                      <th>Projection</th>
                      <th>Event</th>
                      <th>Error</th>
                      <th className="hide-narrow">Parked</th>
                      <th aria-label="Actions" />
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((d) => (
                      <tr key={d.id}>
                        <td>{d.projection}</td>
                        <td>
                          {d.type ?? '?'} <span className="muted small">#{d.globalPosition ?? '?'} {d.streamName}</span>
                        </td>
                        <td className="loss small">{d.error ?? '—'}</td>
                        <td className="hide-narrow">{istDateTime(d.parkedAt)}</td>
                        <td className="actions">
                          <button type="button" className="btn btn-small" disabled={busy !== null} onClick={() => void retry(d.id)}>
                            Retry
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </QueryView>
      </Card>
    </div>
  );
}

/** The rebuild's verification: shadow copy compared with the live copy (counts and checksum) before the swap. */
function RebuildResult({ result }: { result: Record<string, unknown> | string }) {
  if (typeof result === 'string')
    return (
      <div className="loss small" data-testid="rebuild-result">
        {result}
      </div>
    );
  const verified = result.verified ?? result.match ?? result.ok;
  return (
    <div className="small" data-testid="rebuild-result">
      {verified === true ? <Badge tone="good">verified</Badge> : verified === false ? <Badge tone="bad">mismatch</Badge> : null}{' '}
      <span className="muted">
        {Object.entries(result)
          .filter(([, v]) => typeof v !== 'object')
          .map(([k, v]) => `${k}: ${String(v)}`)
          .join(' · ')}
      </span>
    </div>
  );
}
