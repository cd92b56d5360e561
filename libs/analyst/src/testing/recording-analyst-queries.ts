import type { AnalystQueries, AuditFilters, OrderFilters, PerformanceScope, QueryContext, TimeAxis } from '../analyst-queries.port';
import { ReadModelAnalystQueries } from '../queries/read-model-analyst-queries';

/**
 * The analyst's reads over real stores (ReadModelAnalystQueries, everything readable), recording every call in
 * order with its arguments: what the model actually asked for.
 */
export class RecordingAnalystQueries extends ReadModelAnalystQueries {
  readonly calls: { method: keyof AnalystQueries; args: unknown[]; actor: string }[] = [];

  private record(method: keyof AnalystQueries, args: unknown[], ctx: QueryContext): void {
    this.calls.push({ method, args, actor: ctx.actor });
  }

  override portfolio(accountId: string, ctx: QueryContext) {
    this.record('portfolio', [accountId], ctx);
    return super.portfolio(accountId, ctx);
  }

  override portfolioAsOf(accountId: string, asOf: string, time: TimeAxis, ctx: QueryContext) {
    this.record('portfolioAsOf', [accountId, asOf, time], ctx);
    return super.portfolioAsOf(accountId, asOf, time, ctx);
  }

  override positions(accountId: string, ctx: QueryContext) {
    this.record('positions', [accountId], ctx);
    return super.positions(accountId, ctx);
  }

  override orders(accountId: string, filters: OrderFilters, ctx: QueryContext) {
    this.record('orders', [accountId, filters], ctx);
    return super.orders(accountId, filters, ctx);
  }

  override performance(scope: PerformanceScope, ctx: QueryContext) {
    this.record('performance', [scope], ctx);
    return super.performance(scope, ctx);
  }

  override audit(filters: AuditFilters, ctx: QueryContext) {
    this.record('audit', [filters], ctx);
    return super.audit(filters, ctx);
  }

  override lineage(accountId: string, figure: string, ctx: QueryContext) {
    this.record('lineage', [accountId, figure], ctx);
    return super.lineage(accountId, figure, ctx);
  }
}
