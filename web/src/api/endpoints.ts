import { minPosition, request } from './http';
import type * as C from '@robo/contract';
import type { PlaceOrderBody } from './types';

/**
 * Every call the dashboard makes, one function each, typed by the contract the server's OpenAPI document is made
 * from (libs/contract). Reads of read models pass the last known write position.
 */

const id = encodeURIComponent;

export const api = {
  accounts: async (signal?: AbortSignal): Promise<C.AccountSummary[]> => (await request<C.AccountPage>('/api/accounts', { signal })).items,
  openAccount: (body: C.OpenAccountBody) => request<C.AccountCommandResult>('/api/accounts', { method: 'POST', body }),
  account: (accountId: string, signal?: AbortSignal) => request<C.Account>(`/api/accounts/${id(accountId)}`, { signal, query: { minPosition: minPosition() } }),
  portfolio: (accountId: string, signal?: AbortSignal) =>
    request<C.Portfolio>(`/api/accounts/${id(accountId)}/portfolio`, { signal, query: { minPosition: minPosition() } }),
  portfolioAsOf: (accountId: string, asOf: string, time: 'business' | 'recorded', signal?: AbortSignal) =>
    request<C.Portfolio>(`/api/accounts/${id(accountId)}/portfolio`, { signal, query: { asOf, time } }),
  accountPerformance: (accountId: string, signal?: AbortSignal) => request<C.AccountPerformance>(`/api/accounts/${id(accountId)}/performance`, { signal }),

  orders: (query: { accountId?: string; status?: string; instrument?: string; limit?: number; cursor?: string | null }, signal?: AbortSignal) =>
    request<C.OrderPage>('/api/orders', { signal, query: { ...query, minPosition: minPosition() } }),
  order: (orderId: string, signal?: AbortSignal) => request<C.Order>(`/api/orders/${id(orderId)}`, { signal, query: { minPosition: minPosition() } }),
  placeOrder: (body: PlaceOrderBody, idempotencyKey: string) => request<C.OrderCommandResult>('/api/orders', { method: 'POST', body, idempotencyKey }),
  cancelOrder: (orderId: string, reason?: string) =>
    request<C.OrderCommandResult>(`/api/orders/${id(orderId)}/cancel`, { method: 'POST', body: (reason ? { reason } : {}) satisfies C.CancelOrderBody }),
  modifyOrder: (orderId: string, body: C.ModifyOrderBody) => request<C.OrderCommandResult>(`/api/orders/${id(orderId)}/modify`, { method: 'POST', body }),

  strategies: async (signal?: AbortSignal): Promise<C.StrategyListItem[]> =>
    (await request<C.StrategyList>('/api/strategies', { signal, query: { minPosition: minPosition() } })).items,
  strategyPerformance: (strategyId: string, signal?: AbortSignal) => request<C.StrategyPerformance>(`/api/strategies/${id(strategyId)}/performance`, { signal }),
  strategyAction: (strategyId: string, action: 'activate' | 'pause' | 'stop') =>
    request<C.StrategyCommandResult>(`/api/strategies/${id(strategyId)}/${action}`, { method: 'POST', body: {} }),

  audit: (query: Record<string, string | undefined>, signal?: AbortSignal) =>
    request<C.AuditPage>('/api/audit', { signal, query: { ...query, minPosition: minPosition() } }),
  streamEvents: (stream: string, query: { fromRevision?: number; direction?: 'forwards' | 'backwards'; limit?: number }, signal?: AbortSignal) =>
    request<C.StreamEvents>(`/api/streams/${id(stream)}/events`, { signal, query }),
  correlation: (correlationId: string, signal?: AbortSignal) => request<C.CorrelationTree>(`/api/audit/correlations/${id(correlationId)}`, { signal }),
  lineage: (accountId: string, figure: string, signal?: AbortSignal) => request<C.Lineage>('/api/lineage', { signal, query: { accountId, figure } }),

  backtests: async (signal?: AbortSignal): Promise<C.BacktestRun[]> => (await request<C.BacktestRunList>('/api/backtests', { signal })).items,
  backtest: (runId: string, signal?: AbortSignal) => request<C.BacktestRun>(`/api/backtests/${id(runId)}`, { signal }),
  backtestEquity: (runId: string, signal?: AbortSignal) => request<C.BacktestEquity>(`/api/backtests/${id(runId)}/equity`, { signal }),
  backtestTrades: async (runId: string, signal?: AbortSignal): Promise<C.BacktestTrade[]> => (await request<C.BacktestTradeList>(`/api/backtests/${id(runId)}/trades`, { signal })).items,

  projections: (signal?: AbortSignal) => request<C.ProjectionsStatus>('/api/projections', { signal }),
  deadLetters: async (signal?: AbortSignal): Promise<C.DeadLetter[]> => (await request<C.DeadLetterList>('/api/projections/dead-letters', { signal })).items,
  retryDeadLetter: (deadLetterId: string) => request<C.RetryResult>(`/api/projections/dead-letters/${id(deadLetterId)}/retry`, { method: 'POST', body: {} }),
  rebuild: (name: string) => request<C.RebuildResult>(`/api/projections/${id(name)}/rebuild`, { method: 'POST', body: {} satisfies C.RebuildBody }),
};
