import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/endpoints';
import { ApiFailure } from '../api/http';
import { canTrade } from '../api/session';
import type { Strategy } from '../api/types';
import { useApp } from '../app-context';
import { StaleMark } from '../components/live-badge';
import { ConfirmButton } from '../components/confirm-button';
import { PerformancePanel } from '../components/performance';
import { BasketPanel } from './basket-panel';
import { headline, statisticLabel, StatisticValue } from '../components/statistics-table';
import { Card, Empty, QueryView, StatusBadge } from '../components/ui';
import { istDateTime, rupees } from '../lib/format';
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
                        {columns.map((c, i) => {
                          // The list carries each strategy's headline figures, and the notes say why one is not defined.
                          return (
                            <td key={c} className={`num ${i >= 3 ? 'hide-narrow' : ''}`} data-testid={`strategy-${c}`}>
                              <StatisticValue name={c} value={headline(s.statistics, c)} notes={s.statistics.notes} />
                            </td>
                          );
                        })}
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
            <ConfirmButton disabled={busy || state === 'STOPPED'} question="Stop this strategy for good?" confirmLabel="Yes, stop" onConfirm={() => void act('stop')} testId="strategy-stop">
              Stop
            </ConfirmButton>
          </div>
        )}
      </div>
      {strategy && <StrategyFacts strategy={strategy} />}
      <BasketPanel strategyId={strategyId} />
      <QueryView query={performance} what="Strategy performance">
        {(p) => <PerformancePanel performance={p} theme={theme} showTrades />}
      </QueryView>
    </div>
  );
}

function parameterText(value: unknown, key: string): string {
  if (typeof value === 'number' && key.endsWith('Paise')) return rupees(value);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** What the strategy is: its account, kind, instruments, capital and parameters. */
function StrategyFacts({ strategy: s }: { strategy: Strategy }) {
  const accountId = typeof s.accountId === 'string' ? s.accountId : null;
  const account = useQuery({ queryKey: ['account', accountId ?? ''], queryFn: ({ signal }) => api.account(accountId!, signal), enabled: accountId !== null });
  const parameters = typeof s.parameters === 'object' && s.parameters !== null ? Object.entries(s.parameters as Record<string, unknown>) : [];
  return (
    <div className="grid-2">
      <Card title="Strategy">
        <dl className="kv" data-testid="strategy-facts">
          <dt>Account</dt>
          <dd data-testid="strategy-account">
            {account.data?.name ?? 'Account'} <code className="muted small">{accountId ?? '—'}</code>
          </dd>
          <dt>Kind</dt>
          <dd>{s.kind ?? '—'}</dd>
          <dt>Instruments</dt>
          <dd>{s.instruments?.join(', ') || '—'}</dd>
          <dt>Capital allocated</dt>
          <dd>{typeof s.capitalAllocationPaise === 'number' ? rupees(s.capitalAllocationPaise) : 'none (figures that divide by capital are not computed)'}</dd>
          <dt>Registered</dt>
          <dd>{istDateTime(typeof s.registeredAt === 'string' ? s.registeredAt : null)}</dd>
          {typeof s.stopReason === 'string' && s.stopReason !== '' && (
            <>
              <dt>Stopped because</dt>
              <dd>{s.stopReason}</dd>
            </>
          )}
        </dl>
      </Card>
      <Card title={`Parameters${typeof s.parametersVersion === 'number' ? ` (version ${s.parametersVersion})` : ''}`}>
        {parameters.length === 0 ? (
          <Empty>No parameters.</Empty>
        ) : (
          <table className="table table-compact stats-table" data-testid="strategy-parameters">
            <tbody>
              {parameters.map(([key, value]) => (
                <tr key={key}>
                  <th scope="row" title={key}>
                    {statisticLabel(key)}
                  </th>
                  <td className="num">{parameterText(value, key)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
