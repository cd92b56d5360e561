import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { BacktestEquity, BacktestRun, BacktestTrade, BacktestTradeList, CorrelationTree, Lineage, Portfolio, StreamEvents } from '@robo/contract';
import { cycleLegs, formatRupees, positionStreamName, type PositionEvent } from '@robo/domain';
import type { EventStore } from '@robo/event-store';
import { accountPerformance, AUDIT_COLLECTION, readAccountPerformanceDocs, readPortfolio, type PerformanceTrade } from '@robo/read-models';
import { Roles } from '../auth/roles.decorator';
import { ApiError } from '../common/api-error';
import { lengthParam, uuidParam } from '../common/uuid-param';
import { correlationTreeOf } from '../audit/correlation-tree';
import { figureLineage } from '../audit/figure-lineage';
import { accountPortfolioAsOf, auditWhere, streamEventsPage } from '../queries/log-queries';
import { parseLimit, StreamEventsQuery } from '../queries/queries.dto';
import { BACKTEST_ACCOUNT_ID } from './run-backtest';
import { RunAuditQuery, RunLineageQuery, RunPortfolioQuery } from './run-queries.dto';
import { BacktestRunStores } from './run-stores';

const RUN_READERS = ['trader', 'viewer', 'auditor', 'admin'] as const;

/**
 * What a finished run holds, read from its own folder with the queries the live api answers with: its performance
 * (equity curve, drawdowns, trades), its audit trail, time travel and lineage over its log.
 */
@ApiTags('backtests')
@ApiBearerAuth()
@Controller('api/backtests/:runId')
@Roles(...RUN_READERS)
export class BacktestRunsController {
  constructor(private readonly runs: BacktestRunStores) {}

  @Get()
  @ApiOperation({ summary: 'One finished run: kind, parameters, data source, log hash and statistics' })
  run(@Param('runId', uuidParam()) runId: string): Promise<BacktestRun> {
    return this.runs.use(runId, async ({ run }) => run);
  }

  @Get('equity')
  @ApiOperation({ summary: "The run's equity curve, drawdown series and statistics (the performance computation of a live account)" })
  equity(@Param('runId', uuidParam()) runId: string): Promise<BacktestEquity> {
    return this.runs.use(runId, async ({ run, reads }) => {
      const report = accountPerformance(await readAccountPerformanceDocs(reads, BACKTEST_ACCOUNT_ID));
      return { runId, accountId: BACKTEST_ACCOUNT_ID, from: report.from, to: report.to, capitalPaise: run.capitalPaise, statistics: report.statistics, equityCurve: report.equityCurve, drawdownSeries: report.drawdownSeries };
    });
  }

  @Get('trades')
  @ApiOperation({ summary: "The run's closed trades in the order they closed: legs with quantities and average prices, P&L and charges" })
  trades(@Param('runId', uuidParam()) runId: string): Promise<BacktestTradeList> {
    return this.runs.use(runId, async ({ events, reads }) => {
      const { trades } = accountPerformance(await readAccountPerformanceDocs(reads, BACKTEST_ACCOUNT_ID));
      return { runId, items: await withLegs(events, trades) };
    });
  }

  @Get('audit')
  @ApiOperation({ summary: "The run's audit trail, filtered and paged as GET /api/audit" })
  audit(@Param('runId', uuidParam()) runId: string, @Query() query: RunAuditQuery) {
    return this.runs.use(runId, async ({ reads }) => {
      const where = auditWhere(query);
      if (query.accountId) where.accountId = query.accountId;
      return AUDIT_COLLECTION.find(reads, { where, orderBy: { field: 'position', direction: 'asc' }, limit: parseLimit(query.limit), cursor: query.cursor ?? null });
    });
  }

  @Get('audit/correlations/:correlationId')
  @ApiOperation({ summary: "The causal tree of one correlation id of the run's log, as GET /api/audit/correlations/{id}" })
  correlation(@Param('runId', uuidParam()) runId: string, @Param('correlationId', lengthParam(200, 'correlation id must be 1 to 200 characters')) correlationId: string): Promise<CorrelationTree> {
    return this.runs.use(runId, ({ events, reads }) => correlationTreeOf(reads, events, correlationId));
  }

  @Get('streams/:stream/events')
  @ApiOperation({ summary: "The events of one stream of the run's log" })
  stream(@Param('runId', uuidParam()) runId: string, @Param('stream') stream: string, @Query() query: StreamEventsQuery): Promise<StreamEvents> {
    return this.runs.use(runId, ({ events }) => streamEventsPage(events, stream, query));
  }

  @Get('portfolio')
  @ApiOperation({ summary: "The run's portfolio at its end, or as of an instant rebuilt from its log (time travel)" })
  portfolio(@Param('runId', uuidParam()) runId: string, @Query() query: RunPortfolioQuery): Promise<Portfolio> {
    if (query.time !== undefined && query.asOf === undefined) throw new ApiError(400, 'VALIDATION_FAILED', 'time applies to asOf only');
    return this.runs.use(runId, async ({ events, reads }) => {
      if (query.asOf !== undefined) return accountPortfolioAsOf(events, BACKTEST_ACCOUNT_ID, query.asOf, query.time ?? 'recorded');
      const portfolio = await readPortfolio(reads, BACKTEST_ACCOUNT_ID);
      if (!portfolio) throw new ApiError(404, 'ACCOUNT_NOT_FOUND', `run ${runId} has no account`);
      return portfolio;
    });
  }

  @Get('lineage')
  @ApiOperation({ summary: "The events of the run's log that produced a figure of its account (cash, realized:<instrument>...)" })
  lineage(@Param('runId', uuidParam()) runId: string, @Query() query: RunLineageQuery): Promise<Lineage> {
    return this.runs.use(runId, ({ events }) => figureLineage(events, BACKTEST_ACCOUNT_ID, query));
  }
}

const priceText = (paise: number | null): string | null => (paise === null ? null : formatRupees(Math.round(paise)));

/** Each trade with its legs, from the events of its position stream (read once per instrument). */
async function withLegs(events: EventStore, trades: readonly PerformanceTrade[]): Promise<BacktestTrade[]> {
  const streams = new Map<string, PositionEvent[]>();
  const out: BacktestTrade[] = [];
  for (const trade of trades) {
    let positionEvents = streams.get(trade.instrument);
    if (positionEvents === undefined) {
      positionEvents = (await events.readStream(positionStreamName(BACKTEST_ACCOUNT_ID, trade.instrument))) as unknown as PositionEvent[];
      streams.set(trade.instrument, positionEvents);
    }
    const legs = cycleLegs(positionEvents, trade.cycle);
    out.push({
      ...trade,
      ...legs,
      entryPriceText: priceText(legs.entryAveragePricePaise),
      exitPriceText: priceText(legs.exitAveragePricePaise),
      realizedGrossText: formatRupees(trade.realizedGrossPaise),
      feesText: formatRupees(trade.feesPaise),
      realizedNetText: formatRupees(trade.realizedNetPaise),
    });
  }
  return out;
}
