import { explainFigure, portfolioAsOf } from '@robo/audit';
import { accountStream } from '@robo/domain';
import type { EventStore } from '@robo/event-store';
import {
  accountPerformance,
  accountPortfolio,
  ACCOUNTS_COLLECTION,
  AUDIT_COLLECTION,
  type DocumentReader,
  type FieldCondition,
  LAST_PRICES_COLLECTION,
  marksOf,
  ORDERS_COLLECTION,
  type PositionDoc,
  POSITIONS_COLLECTION,
  readAccountPerformanceDocs,
  readStrategyPerformanceDocs,
  strategyPerformance,
} from '@robo/read-models';
import type {
  AnalystQueries,
  AuditFilters,
  AuditView,
  CitedDoc,
  LineageView,
  OrderFilters,
  OrdersView,
  PerformanceScope,
  PerformanceView,
  PortfolioAsOfView,
  PortfolioView,
  QueryContext,
  TimeAxis,
} from '../analyst-queries.port';

const RECENT_TRADES = 20;

function maxPosition(docs: readonly unknown[]): number | null {
  let max: number | null = null;
  for (const doc of docs) {
    const p = (doc as { lastEventPosition?: unknown } | null)?.lastEventPosition;
    if (typeof p === 'number' && (max === null || p > max)) max = p;
  }
  return max;
}

/** Whose data a question may read: the asker's permissions, applied by ReadModelAnalystQueries on every call. */
export interface AnalystReadAccess {
  /** Throws, as for an unknown account, when the asker may not read the account. */
  mayRead(accountId: string, ctx: QueryContext): void;
  /** The accounts the asker sees; null for every account. */
  visibleAccounts(ctx: QueryContext): readonly string[] | null;
  /** Whether the asker may read a strategy's figures (a strategy can span accounts). */
  mayReadStrategies(ctx: QueryContext): boolean;
}

/** No restriction: every account and strategy. */
export const READ_EVERYTHING: AnalystReadAccess = { mayRead: () => undefined, visibleAccounts: () => null, mayReadStrategies: () => true };

/**
 * What the analyst's tools read: the read models the projections wrote and the audit functions over the event log,
 * the same ones the query endpoints use, with the asker's permissions applied on every call (a tool call for an
 * account the asker may not read fails like an unknown account, and the model is told so as a tool error).
 */
export class ReadModelAnalystQueries implements AnalystQueries {
  constructor(
    private readonly reads: DocumentReader,
    private readonly events: EventStore,
    private readonly access: AnalystReadAccess = READ_EVERYTHING,
  ) {}

  async portfolio(accountId: string, ctx: QueryContext): Promise<PortfolioView | null> {
    this.mayRead(accountId, ctx);
    const account = await ACCOUNTS_COLLECTION.get(this.reads, accountId);
    if (account === null) return null;
    const positions = await this.positionDocs(accountId);
    const prices = await LAST_PRICES_COLLECTION.getMany(this.reads, positions.map((p) => p.instrument));
    const portfolio = accountPortfolio(account, positions, marksOf(prices));
    const byInstrument = new Map(positions.map((p) => [p.instrument, p.lastEventPosition]));
    return {
      ...portfolio,
      positions: portfolio.positions.map((p) => ({ ...p, lastEventPosition: byInstrument.get(p.instrument) ?? null })),
      lastEventPosition: maxPosition([account, ...positions, ...prices.values()]),
    };
  }

  async portfolioAsOf(accountId: string, asOf: string, time: TimeAxis, ctx: QueryContext): Promise<PortfolioAsOfView | null> {
    this.mayRead(accountId, ctx);
    const view = await portfolioAsOf(this.events, accountId, asOf, time);
    return view.exists ? { ...view } : null;
  }

  async positions(accountId: string, ctx: QueryContext): Promise<CitedDoc[]> {
    this.mayRead(accountId, ctx);
    return this.positionDocs(accountId);
  }

  async orders(accountId: string, filters: OrderFilters, ctx: QueryContext): Promise<OrdersView> {
    this.mayRead(accountId, ctx);
    const where: Record<string, FieldCondition> = { accountId };
    if (filters.status !== undefined) where.status = filters.status;
    if (filters.instrument !== undefined) where.instrument = filters.instrument;
    if (filters.strategyId !== undefined) where.strategyId = filters.strategyId;
    const page = await ORDERS_COLLECTION.find(this.reads, { where, orderBy: { field: 'seq', direction: 'desc' }, limit: filters.limit + 1 });
    return { items: page.items.slice(0, filters.limit), more: page.items.length > filters.limit };
  }

  async performance(scope: PerformanceScope, ctx: QueryContext): Promise<PerformanceView | null> {
    if ('accountId' in scope) {
      this.mayRead(scope.accountId, ctx);
      if ((await ACCOUNTS_COLLECTION.get(this.reads, scope.accountId)) === null) return null;
      const docs = await readAccountPerformanceDocs(this.reads, scope.accountId);
      const report = accountPerformance(docs);
      return { scope, ...summary(report), lastEventPosition: maxPosition([...docs.days, ...docs.cycles]) };
    }
    // A strategy can span accounts: only callers who see every account may read it.
    if (!this.access.mayReadStrategies(ctx)) return null;
    const docs = await readStrategyPerformanceDocs(this.reads, scope.strategyId);
    if (docs.days.length === 0) return null;
    return { scope, ...summary(strategyPerformance(docs)), lastEventPosition: maxPosition(docs.days) };
  }

  async audit(filters: AuditFilters, ctx: QueryContext): Promise<AuditView> {
    const where: Record<string, FieldCondition> = {};
    const visible = this.access.visibleAccounts(ctx);
    if (filters.accountId !== undefined) {
      this.mayRead(filters.accountId, ctx);
      where.accountId = filters.accountId;
    } else if (visible !== null) {
      where.accountId = { in: visible };
    }
    if (filters.stream !== undefined) where.streamName = filters.stream;
    if (filters.correlationId !== undefined) where.correlationId = filters.correlationId;
    if (filters.actor !== undefined) where.actor = filters.actor;
    if (filters.type !== undefined) where.type = filters.type;
    if (filters.orderId !== undefined) where.orderId = filters.orderId;
    if (filters.afterPosition !== undefined) where.position = { gt: filters.afterPosition };
    const timeField = (filters.time ?? 'business') === 'business' ? 'occurredAtUtc' : 'recordedAt';
    if (filters.from !== undefined || filters.to !== undefined) {
      where[timeField] = {
        ...(filters.from !== undefined ? { gte: new Date(filters.from).toISOString() } : {}),
        ...(filters.to !== undefined ? { lte: new Date(filters.to).toISOString() } : {}),
      };
    }
    if (visible !== null && visible.length === 0) return { items: [], more: false };
    const page = await AUDIT_COLLECTION.find(this.reads, { where, orderBy: { field: 'position', direction: 'asc' }, limit: filters.limit + 1 });
    return { items: page.items.slice(0, filters.limit), more: page.items.length > filters.limit };
  }

  async lineage(accountId: string, figure: string, ctx: QueryContext): Promise<LineageView | null> {
    this.mayRead(accountId, ctx);
    const [opened] = await this.events.readStream(accountStream(accountId), { maxCount: 1 });
    if (opened === undefined) return null;
    return explainFigure(this.events, accountId, figure);
  }

  private mayRead(accountId: string, ctx: QueryContext): void {
    this.access.mayRead(accountId, ctx);
  }

  private async positionDocs(accountId: string): Promise<PositionDoc[]> {
    const page = await POSITIONS_COLLECTION.find(this.reads, { where: { accountId }, orderBy: { field: 'instrument', direction: 'asc' }, limit: 500 });
    return page.items;
  }
}

/** The figures, not the curves: a tool result is cut at a size cap, so the statistics go first. */
function summary(report: ReturnType<typeof accountPerformance> | ReturnType<typeof strategyPerformance>): Record<string, unknown> {
  return {
    from: report.from,
    to: report.to,
    statistics: report.statistics,
    byInstrument: report.byInstrument,
    openPositions: report.openPositions,
    recentTrades: report.trades.slice(-RECENT_TRADES),
    notes: report.notes,
  };
}
