import { minPosition, request } from './http';
import type {
  Account,
  AccountSummary,
  AuditEntry,
  CommandResult,
  CorrelationTree,
  DeadLetter,
  Lineage,
  Order,
  Page,
  Performance,
  PlaceOrderBody,
  Portfolio,
  ProjectionStatus,
  StoredEvent,
  Strategy,
} from './types';

/** Every call the dashboard makes, one function each. Reads of read models pass the last known write position. */

const id = encodeURIComponent;

export const api = {
  accounts: async (signal?: AbortSignal): Promise<AccountSummary[]> => {
    const answer = await request<AccountSummary[] | { items: AccountSummary[] }>('/api/accounts', { signal });
    return Array.isArray(answer) ? answer : answer.items;
  },
  openAccount: (body: { name: string; initialCashPaise: number }) =>
    request<CommandResult & { accountId: string }>('/api/accounts', { method: 'POST', body }),
  account: (accountId: string, signal?: AbortSignal) => request<Account>(`/api/accounts/${id(accountId)}`, { signal, query: { minPosition: minPosition() } }),
  portfolio: (accountId: string, signal?: AbortSignal) =>
    request<Portfolio>(`/api/accounts/${id(accountId)}/portfolio`, { signal, query: { minPosition: minPosition() } }),
  portfolioAsOf: (accountId: string, asOf: string, time: 'business' | 'recorded', signal?: AbortSignal) =>
    request<Portfolio>(`/api/accounts/${id(accountId)}/portfolio`, { signal, query: { asOf, time } }),
  historyBounds: (accountId: string, signal?: AbortSignal) =>
    request<{ first?: { occurredAt: string; recordedAt: string }; last?: { occurredAt: string; recordedAt: string } } & Record<string, unknown>>(
      `/api/accounts/${id(accountId)}/history-bounds`,
      { signal },
    ),
  accountPerformance: (accountId: string, signal?: AbortSignal) => request<Performance>(`/api/accounts/${id(accountId)}/performance`, { signal }),

  orders: (query: { accountId?: string; status?: string; instrument?: string; limit?: number; cursor?: string | null }, signal?: AbortSignal) =>
    request<Page<Order>>('/api/orders', { signal, query: { ...query, minPosition: minPosition() } }),
  order: (orderId: string, signal?: AbortSignal) => request<Order>(`/api/orders/${id(orderId)}`, { signal, query: { minPosition: minPosition() } }),
  placeOrder: (body: PlaceOrderBody, idempotencyKey: string) =>
    request<CommandResult & { orderId: string; status: string }>('/api/orders', { method: 'POST', body, idempotencyKey }),
  cancelOrder: (orderId: string, reason?: string) =>
    request<CommandResult>(`/api/orders/${id(orderId)}/cancel`, { method: 'POST', body: reason ? { reason } : {} }),
  modifyOrder: (orderId: string, body: { quantity?: number; limitPricePaise?: number; triggerPricePaise?: number }) =>
    request<CommandResult>(`/api/orders/${id(orderId)}/modify`, { method: 'POST', body }),

  strategies: (signal?: AbortSignal) =>
    request<Strategy[] | { items: Strategy[] }>('/api/strategies', { signal }).then((a) => (Array.isArray(a) ? a : a.items)),
  strategyPerformance: (strategyId: string, signal?: AbortSignal) => request<Performance>(`/api/strategies/${id(strategyId)}/performance`, { signal }),
  strategyAction: (strategyId: string, action: 'activate' | 'pause' | 'stop') =>
    request<CommandResult>(`/api/strategies/${id(strategyId)}/${action}`, { method: 'POST', body: {} }),

  audit: (query: Record<string, string | undefined>, signal?: AbortSignal) =>
    request<Page<AuditEntry>>('/api/audit', { signal, query: { ...query, minPosition: minPosition() } }),
  streamEvents: (stream: string, query: { fromRevision?: number; direction?: 'forwards' | 'backwards'; limit?: number }, signal?: AbortSignal) =>
    request<{ stream: string; events: StoredEvent[] }>(`/api/streams/${id(stream)}/events`, { signal, query }),
  correlation: (correlationId: string, signal?: AbortSignal) => request<CorrelationTree>(`/api/audit/correlations/${id(correlationId)}`, { signal }),
  lineage: (accountId: string, figure: string, signal?: AbortSignal) => request<Lineage>('/api/lineage', { signal, query: { accountId, figure } }),

  projections: (signal?: AbortSignal) => request<{ head: number | null; projections: ProjectionStatus[] }>('/api/projections', { signal }),
  deadLetters: (signal?: AbortSignal) =>
    request<DeadLetter[] | { items: DeadLetter[] }>('/api/projections/dead-letters', { signal }).then((a) => (Array.isArray(a) ? a : a.items)),
  retryDeadLetter: (deadLetterId: string) => request<unknown>(`/api/projections/dead-letters/${id(deadLetterId)}/retry`, { method: 'POST', body: {} }),
  rebuild: (name: string) => request<Record<string, unknown>>(`/api/projections/${id(name)}/rebuild`, { method: 'POST', body: {} }),
};
