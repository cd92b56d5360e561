import { explainFigure, portfolioAsOf } from '@robo/audit';
import { accountStream, tradeStatistics, type ClosedTrade } from '@robo/domain';
import type { EventStore } from '@robo/event-store';
import {
  accountPortfolio,
  marksOf,
  type AccountDoc,
  type AuditDoc,
  type FieldCondition,
  type LastPriceDoc,
  type OrderDoc,
  type PositionCycleDoc,
  type PositionDoc,
  type DocumentReader,
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

const maxOf = (values: number[]): number | null => (values.length === 0 ? null : Math.max(...values));

/**
 * AnalystQueries over the real stores: the read models the projections wrote (SQLite read store) and, for
 * as-of and lineage, the event log itself through @robo/audit. The api answers over its own query layer; this one
 * backs the library's tests with real data and shows what each method is expected to return.
 */
export class ReadModelAnalystQueries implements AnalystQueries {
  /** Every call, in order, with its arguments: what the model actually asked for. */
  readonly calls: { method: keyof AnalystQueries; args: unknown[]; actor: string }[] = [];

  constructor(
    private readonly readStore: DocumentReader,
    private readonly eventStore: EventStore,
  ) {}

  async portfolio(accountId: string, ctx: QueryContext): Promise<PortfolioView | null> {
    this.calls.push({ method: 'portfolio', args: [accountId], actor: ctx.actor });
    const account = await this.readStore.get<AccountDoc>('accounts', accountId);
    if (account === null) return null;
    const positions = await this.positionDocs(accountId);
    const prices = await this.readStore.getMany<LastPriceDoc>('last_prices', positions.map((p) => p.instrument));
    const portfolio = accountPortfolio(account, positions, marksOf(prices));
    const byInstrument = new Map(positions.map((p) => [p.instrument, p.lastEventPosition]));
    return {
      ...portfolio,
      positions: portfolio.positions.map((p) => ({ ...p, lastEventPosition: byInstrument.get(p.instrument) ?? null })),
      lastEventPosition: maxOf([account.lastEventPosition, ...positions.map((p) => p.lastEventPosition), ...[...prices.values()].map((p) => p.lastEventPosition)]),
    };
  }

  async portfolioAsOf(accountId: string, asOf: string, time: TimeAxis, ctx: QueryContext): Promise<PortfolioAsOfView | null> {
    this.calls.push({ method: 'portfolioAsOf', args: [accountId, asOf, time], actor: ctx.actor });
    const view = await portfolioAsOf(this.eventStore, accountId, asOf, time);
    return view.exists ? { ...view } : null;
  }

  async positions(accountId: string, ctx: QueryContext): Promise<CitedDoc[]> {
    this.calls.push({ method: 'positions', args: [accountId], actor: ctx.actor });
    return this.positionDocs(accountId);
  }

  async orders(accountId: string, filters: OrderFilters, ctx: QueryContext): Promise<OrdersView> {
    this.calls.push({ method: 'orders', args: [accountId, filters], actor: ctx.actor });
    const where: Record<string, FieldCondition> = { accountId };
    if (filters.status !== undefined) where.status = filters.status;
    if (filters.instrument !== undefined) where.instrument = filters.instrument;
    if (filters.strategyId !== undefined) where.strategyId = filters.strategyId;
    const page = await this.readStore.find<OrderDoc>('orders', { where, orderBy: { field: 'seq', direction: 'desc' }, limit: filters.limit + 1 });
    return { items: page.items.slice(0, filters.limit), more: page.items.length > filters.limit };
  }

  async performance(scope: PerformanceScope, ctx: QueryContext): Promise<PerformanceView | null> {
    this.calls.push({ method: 'performance', args: [scope], actor: ctx.actor });
    // Closed position cycles are the trades; strategies are not split out by this read model.
    if (!('accountId' in scope)) return null;
    if ((await this.readStore.get<AccountDoc>('accounts', scope.accountId)) === null) return null;
    const cycles = await this.readStore.find<PositionCycleDoc>('position_cycles', {
      where: { accountId: scope.accountId, status: 'CLOSED' },
      orderBy: { field: 'openedAt', direction: 'asc' },
      limit: 1000,
    });
    const trades: ClosedTrade[] = cycles.items.map((c) => ({
      instrument: c.instrument,
      openedAt: c.openedAt,
      closedAt: c.closedAt ?? c.openedAt,
      realizedGrossPaise: c.realizedGrossPaise,
      feesPaise: c.feesPaise,
      realizedNetPaise: c.realizedNetPaise,
    }));
    return { scope, trades: tradeStatistics(trades), lastEventPosition: maxOf(cycles.items.map((c) => c.lastEventPosition)) };
  }

  async audit(filters: AuditFilters, ctx: QueryContext): Promise<AuditView> {
    this.calls.push({ method: 'audit', args: [filters], actor: ctx.actor });
    const where: Record<string, FieldCondition> = {};
    if (filters.accountId !== undefined) where.accountId = filters.accountId;
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
    const page = await this.readStore.find<AuditDoc>('audit', { where, orderBy: { field: 'position', direction: 'asc' }, limit: filters.limit + 1 });
    return { items: page.items.slice(0, filters.limit), more: page.items.length > filters.limit };
  }

  async lineage(accountId: string, figure: string, ctx: QueryContext): Promise<LineageView | null> {
    this.calls.push({ method: 'lineage', args: [accountId, figure], actor: ctx.actor });
    const [opened] = await this.eventStore.readStream(accountStream(accountId), { maxCount: 1 });
    if (opened === undefined) return null;
    return explainFigure(this.eventStore, accountId, figure);
  }

  private async positionDocs(accountId: string): Promise<PositionDoc[]> {
    const page = await this.readStore.find<PositionDoc>('positions', { where: { accountId }, orderBy: { field: 'instrument', direction: 'asc' }, limit: 500 });
    return page.items;
  }
}
