import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { LIVE_LOG, type LogSource } from '../api/log-source';
import { istDateTime, istShort, quantity, rupees } from '../lib/format';
import { Empty, QueryView } from './ui';

/** Where a figure comes from: the events whose contributions add up to it. */
export function LineagePanel({ accountId, instruments, source = LIVE_LOG }: { accountId: string; instruments: string[]; source?: LogSource }) {
  const [figure, setFigure] = useState('cash');
  const options = ['cash', ...instruments.flatMap((i) => [`realized:${i}`, `fees:${i}`, `quantity:${i}`])];
  const lineage = useQuery({ queryKey: ['lineage', source.key, accountId, figure], queryFn: ({ signal }) => source.lineage(accountId, figure, signal) });
  const money = !figure.startsWith('quantity:');
  const show = (v: number) => (money ? rupees(v, { sign: true }) : quantity(v));
  return (
    <div className="lineage" data-testid="lineage">
      <label className="inline-label">
        Figure
        <select value={figure} onChange={(e) => setFigure(e.target.value)} data-testid="lineage-figure">
          {options.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      </label>
      <QueryView query={lineage} what="Figure lineage">
        {(l) => {
          const sum = l.contributions.reduce((s, c) => s + c.amount, 0);
          return (
            <>
              <p>
                <strong>{money ? rupees(l.value) : quantity(l.value)}</strong>{' '}
                <span className={sum === l.value ? 'gain small' : 'loss small'}>
                  {sum === l.value ? `= the sum of ${l.contributions.length} event${l.contributions.length === 1 ? '' : 's'}` : `contributions add up to ${show(sum)}`}
                </span>
              </p>
              {l.contributions.length === 0 ? (
                <Empty>No event contributed to this figure.</Empty>
              ) : (
                <div className="table-wrap">
                  <table className="table table-compact">
                    <thead>
                      <tr>
                        <th>#</th>
                        <th>Event</th>
                        <th className="num">Amount</th>
                      </tr>
                    </thead>
                    <tbody>
                      {l.contributions.map((c) => (
                        <tr key={c.eventId}>
                          <td>{c.globalPosition}</td>
                          <td title={`${c.stream} @ ${c.streamRevision} · ${istDateTime(c.occurredAt)} · ${c.actor}`}>
                            <div>{c.type}</div>
                            <div className="muted small">
                              {istShort(c.occurredAt)} · {c.actor}
                            </div>
                          </td>
                          <td className="num">{show(c.amount)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </>
          );
        }}
      </QueryView>
    </div>
  );
}
