import type * as C from '@robo/contract';
import { api } from './endpoints';
import { request } from './http';

export type TimeAxis = 'business' | 'recorded';

/**
 * Where the log views (audit, time travel, lineage) read: the live api, or one finished backtest run's own log
 * (`/api/backtests/{runId}/...`). The views are the same; only the source passed in differs.
 */
export interface LogSource {
  /** The run read, or null for the live log. */
  runId: string | null;
  /** The first part of the views' query keys: a run's answers never mix with the live ones. */
  key: string;
  audit(query: Record<string, string | undefined>, signal?: AbortSignal): Promise<C.AuditPage>;
  streamEvents(stream: string, query: { fromRevision?: number; direction?: 'forwards' | 'backwards'; limit?: number }, signal?: AbortSignal): Promise<C.StreamEvents>;
  correlation(correlationId: string, signal?: AbortSignal): Promise<C.CorrelationTree>;
  portfolio(accountId: string, signal?: AbortSignal): Promise<C.Portfolio>;
  portfolioAsOf(accountId: string, asOf: string, time: TimeAxis, signal?: AbortSignal): Promise<C.Portfolio>;
  lineage(accountId: string, figure: string, signal?: AbortSignal): Promise<C.Lineage>;
}

export const LIVE_LOG: LogSource = {
  runId: null,
  key: 'live',
  audit: api.audit,
  streamEvents: api.streamEvents,
  correlation: api.correlation,
  portfolio: api.portfolio,
  portfolioAsOf: api.portfolioAsOf,
  lineage: api.lineage,
};

/** A run's log: it has one account (the run's), so the account id the views pass is not sent. */
export function runLog(runId: string): LogSource {
  const base = `/api/backtests/${encodeURIComponent(runId)}`;
  return {
    runId,
    key: `run:${runId}`,
    // No minPosition: a finished run's read models are complete.
    audit: (query, signal) => request<C.AuditPage>(`${base}/audit`, { signal, query }),
    streamEvents: (stream, query, signal) => request<C.StreamEvents>(`${base}/streams/${encodeURIComponent(stream)}/events`, { signal, query }),
    correlation: (correlationId, signal) => request<C.CorrelationTree>(`${base}/audit/correlations/${encodeURIComponent(correlationId)}`, { signal }),
    portfolio: (_accountId, signal) => request<C.Portfolio>(`${base}/portfolio`, { signal }),
    portfolioAsOf: (_accountId, asOf, time, signal) => request<C.Portfolio>(`${base}/portfolio`, { signal, query: { asOf, time } }),
    lineage: (_accountId, figure, signal) => request<C.Lineage>(`${base}/lineage`, { signal, query: { figure } }),
  };
}
