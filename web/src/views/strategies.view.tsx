import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import { ApiFailure } from '../api/http';
import { canTrade } from '../api/session';
import type { Strategy } from '../api/types';
import { useApp } from '../app-context';
import { StaleMark } from '../components/live-badge';
import { PerformancePanel } from '../components/performance';
import { BasketPanel } from './basket-panel';
import { formatStatistic, headline } from '../components/statistics-table';
import { Card, Empty, QueryView, StatusBadge } from '../components/ui';
import { href } from '../lib/route';

export default function StrategiesView() {
  const { route } = useApp();
  const selected = route.rest[0];
  return selected ? <StrategyDetail strategyId={selected} /> : <StrategyList />;
}

function stateOf(s: Strategy): string {
  return s.status;
}

function StrategyList() {
  const strategies = useQuery({ queryKey: ['strategies'], queryFn: ({ signal }) => api.strategies(signal) });
  const columns = ['netPnlPaise', 'tradeCount', 'winRate', 'maxDrawdownPaise', 'sharpe'];
  return (
    <div className="view" data-testid="strategies">
      <div className="view-head">
        <h1>
          Strategies <StaleMark />
        </h1>
      </div>
      <Card>
        <QueryView query={strategies} what="The strategy list">
          {(list) =>
            list.length === 0 ? (
              <Empty>No strategies registered.</Empty>
            ) : (
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th>Strategy</th>
                      <th>State</th>
                      <th className="num">Net P&L</th>
                      <th className="num">Trades</th>
                      <th className="num">Win rate</th>
                      <th className="num hide-narrow">Max DD</th>
                      <th className="num hide-narrow">Sharpe</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((s) => (
                      <tr key={s.strategyId}>
                        <td>
                          <a href={href('strategies', [s.strategyId])}>{s.name ?? s.strategyId}</a>
                          {s.kind && <span className="muted small"> · {s.kind}</span>}
                        </td>
                        <td>
                          <StatusBadge status={stateOf(s)} />
                        </td>
                        {columns.map((c, i) => (
                          <td key={c} className={`num ${i >= 3 ? 'hide-narrow' : ''}`}>
                            {formatStatistic(c, headline(s.statistics, c))}
                          </td>
                        ))}
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

function StrategyDetail({ strategyId }: { strategyId: string }) {
  const { session, theme, notify } = useApp();
  const client = useQueryClient();
  const [busy, setBusy] = useState(false);
  const strategies = useQuery({ queryKey: ['strategies'], queryFn: ({ signal }) => api.strategies(signal) });
  const performance = useQuery({ queryKey: ['performance', 'strategy', strategyId], queryFn: ({ signal }) => api.strategyPerformance(strategyId, signal) });
  const strategy = strategies.data?.find((s) => s.strategyId === strategyId);
  const state = strategy ? stateOf(strategy) : null;

  async function act(action: 'activate' | 'pause' | 'stop') {
    setBusy(true);
    try {
      await api.strategyAction(strategyId, action);
      notify(`Strategy ${action === 'stop' ? 'stopped' : action === 'pause' ? 'paused' : 'activated'}`);
      await client.invalidateQueries({ queryKey: ['strategies'] });
    } catch (error) {
      notify(error instanceof ApiFailure ? `${action} refused: ${error.message}` : `${action} failed`, 'bad');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="view" data-testid="strategy-detail">
      <div className="view-head">
        <h1>
          <a href={href('strategies')} className="muted">
            Strategies
          </a>{' '}
          / {strategy?.name ?? strategyId} {state && <StatusBadge status={state} />} <StaleMark />
        </h1>
        {canTrade(session) && (
          <div className="view-tools">
            <button type="button" className="btn btn-small" disabled={busy || state === 'ACTIVE' || state === 'STOPPED'} onClick={() => void act('activate')}>
              Activate
            </button>
            <button type="button" className="btn btn-small" disabled={busy || state !== 'ACTIVE'} onClick={() => void act('pause')}>
              Pause
            </button>
            <button type="button" className="btn btn-small btn-danger" disabled={busy || state === 'STOPPED'} onClick={() => void act('stop')}>
              Stop
            </button>
          </div>
        )}
      </div>
      <BasketPanel strategyId={strategyId} />
      <QueryView query={performance} what="Strategy performance">
        {(p) => <PerformancePanel performance={p} theme={theme} />}
      </QueryView>
    </div>
  );
}
