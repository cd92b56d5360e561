/**
 * What the analyst may read: a read-only port over the api's own query layer (read models and the audit trail).
 * The api implements it; every method gets the asker's context so it can apply the asker's permissions.
 *
 * Results are plain JSON documents. Whatever else they hold, they carry the positions of the events they derive
 * from where known (`lastEventPosition` on documents, `position` on audit entries, `globalPosition` +
 * `stream`/`streamRevision` on lineage contributions), because the model must cite them and the analyst checks
 * every citation against what the tools returned.
 */
export const ANALYST_QUERIES = Symbol('ANALYST_QUERIES');

export interface QueryContext {
  askId: string;
  actor: string;
  correlationId: string;
}

export type TimeAxis = 'business' | 'recorded';

/** A document that says which event it reflects; other fields are free-form figures (paise, counts, times). */
export interface CitedDoc {
  /** Global position of the last event folded into this document; null when nothing is known. */
  lastEventPosition: number | null;
  [field: string]: unknown;
}

export interface PortfolioView extends CitedDoc {
  accountId: string;
}

export interface PortfolioAsOfView {
  accountId: string;
  asOf: string;
  time: TimeAxis;
  /** The streams folded and the last position of each that counted. */
  sources: { stream: string; events: number; lastPosition: number | null }[];
  [field: string]: unknown;
}

export type OrderStatusFilter = 'PLACED' | 'ACCEPTED' | 'REJECTED' | 'TRIGGER_PENDING' | 'OPEN' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELLED' | 'EXPIRED';
export const ORDER_STATUS_FILTERS: readonly OrderStatusFilter[] = ['PLACED', 'ACCEPTED', 'REJECTED', 'TRIGGER_PENDING', 'OPEN', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'EXPIRED'];

export interface OrderFilters {
  status?: OrderStatusFilter;
  instrument?: string;
  strategyId?: string;
  /** 1..50, newest first. */
  limit: number;
}

export interface OrdersView {
  items: CitedDoc[];
  /** More orders match than were returned. */
  more: boolean;
}

export type PerformanceScope = { accountId: string } | { strategyId: string };

export interface PerformanceView {
  scope: PerformanceScope;
  /** Statistics as the api computes them (libs/domain/performance): trade and equity statistics. */
  lastEventPosition: number | null;
  [field: string]: unknown;
}

export interface AuditFilters {
  accountId?: string;
  stream?: string;
  correlationId?: string;
  actor?: string;
  type?: string;
  orderId?: string;
  /** ISO instants with an offset; `time` says which clock they filter on. */
  from?: string;
  to?: string;
  time?: TimeAxis;
  /** Exclusive: entries after this global position (paging). */
  afterPosition?: number;
  /** 1..50, oldest first. */
  limit: number;
}

export interface AuditEntry {
  position: number;
  streamName: string;
  streamRevision: number;
  type: string;
  [field: string]: unknown;
}

export interface AuditView {
  items: AuditEntry[];
  more: boolean;
}

export interface LineageView {
  accountId: string;
  figure: string;
  value: number;
  contributions: { globalPosition: number; stream: string; streamRevision: number; type: string; amount: number }[];
}

export interface AnalystQueries {
  /** Null when the account does not exist. */
  portfolio(accountId: string, ctx: QueryContext): Promise<PortfolioView | null>;
  /** The account as known at `asOf` on the chosen clock, rebuilt from the log. Null when it did not exist then. */
  portfolioAsOf(accountId: string, asOf: string, time: TimeAxis, ctx: QueryContext): Promise<PortfolioAsOfView | null>;
  positions(accountId: string, ctx: QueryContext): Promise<CitedDoc[]>;
  orders(accountId: string, filters: OrderFilters, ctx: QueryContext): Promise<OrdersView>;
  /** Null when the scope is unknown. */
  performance(scope: PerformanceScope, ctx: QueryContext): Promise<PerformanceView | null>;
  audit(filters: AuditFilters, ctx: QueryContext): Promise<AuditView>;
  /** A figure (cash, realized:<instrument>, fees:<instrument>, quantity:<instrument>) traced to its events. */
  lineage(accountId: string, figure: string, ctx: QueryContext): Promise<LineageView | null>;
}
