import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import {
  accountPerformance,
  ACCOUNTS_COLLECTION,
  InvalidQueryError,
  READ_MODEL_STORE,
  DocumentReader,
  readAccountPerformanceDocs,
  readStrategyPerformanceDocs,
  strategyPerformance,
  type PerformanceOptions,
  type PerformanceReport,
} from '@robo/read-models';
import type { AccountPerformance, StrategyPerformance } from '@robo/contract';
import { AccessService } from '../auth/access.service';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ApiError } from '../common/api-error';
import { strategyIdParam, uuidParam } from '../common/uuid-param';
import { parsePosition } from '../queries/queries.dto';
import { ReadYourWritesService } from '../queries/read-your-writes.service';
import { PerformanceQuery, StrategyPerformanceQuery } from './performance.dto';
import { mayReadStrategy, strategyAccounts } from './strategy-accounts';

/** Strategy ids are the order's `strategyId` token (registered strategies use UUIDs). */
const ACCOUNT_PROJECTIONS = ['accounts', 'positions', 'account-performance', 'daily-closes'];
const STRATEGY_PROJECTIONS = ['strategy-performance', 'daily-closes'];

/**
 * Performance of an account or a strategy, computed on each request from the performance read models by the pure
 * library functions (accountPerformance / strategyPerformance in libs/read-models/src/queries/performance.ts, where
 * every formula is documented). Nothing is cached: the figures are always those of the documents read.
 */
@ApiTags('performance')
@ApiBearerAuth()
@Controller('api')
export class PerformanceController {
  constructor(
    private readonly access: AccessService,
    private readonly consistency: ReadYourWritesService,
    @Inject(READ_MODEL_STORE) private readonly reads: DocumentReader,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  @Get('accounts/:id/performance')
  @Roles('trader', 'viewer', 'auditor', 'admin')
  @ApiOperation({ summary: 'Statistics, equity curve, drawdown series, breakdown by instrument and period of an account' })
  async account(@Param('id', uuidParam()) id: string, @Query() query: PerformanceQuery, @CurrentPrincipal() principal: Principal): Promise<AccountPerformance> {
    this.access.account(principal, id, 'read');
    const options = optionsOf(query);
    await this.consistency.waitFor(parsePosition(query.minPosition), ACCOUNT_PROJECTIONS);
    if ((await ACCOUNTS_COLLECTION.get(this.reads, id)) === null) throw new ApiError(404, 'ACCOUNT_NOT_FOUND', `account ${id} does not exist`);
    const docs = await readAccountPerformanceDocs(this.reads, id);
    const report = compute(() => accountPerformance({ ...docs, options }));
    return { accountId: id, ...onlyPeriod(report, query.period) };
  }

  @Get('strategies/:id/performance')
  @Roles('trader', 'viewer', 'auditor', 'admin')
  @ApiOperation({ summary: "A strategy's performance (its fills replayed into virtual positions across its accounts)" })
  async strategy(@Param('id', strategyIdParam()) id: string, @Query() query: StrategyPerformanceQuery, @CurrentPrincipal() principal: Principal): Promise<StrategyPerformance> {
    const options: PerformanceOptions = { ...optionsOf(query), ...(query.capitalPaise !== undefined ? { capitalPaise: Number(query.capitalPaise) } : {}) };
    await this.consistency.waitFor(parsePosition(query.minPosition), STRATEGY_PROJECTIONS);
    const accountIds = await strategyAccounts(this.reads, this.events, id);
    if (!mayReadStrategy(principal, accountIds)) throw new ApiError(404, 'STRATEGY_NOT_FOUND', `strategy ${id} does not exist`);
    const docs = await readStrategyPerformanceDocs(this.reads, id);
    const report = compute(() => strategyPerformance({ ...docs, options }));
    return { strategyId: id, accountIds: [...accountIds].sort(), ...onlyPeriod(report, query.period) };
  }
}

function optionsOf(query: PerformanceQuery): PerformanceOptions {
  return {
    ...(query.from !== undefined ? { from: query.from } : {}),
    ...(query.to !== undefined ? { to: query.to } : {}),
    ...(query.riskFreeRate !== undefined ? { riskFreeRate: Number(query.riskFreeRate) } : {}),
  };
}

/** The library refuses impossible options (from after to, a rate out of range) with InvalidQueryError: a 400. */
function compute<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof InvalidQueryError) throw new ApiError(400, 'VALIDATION_FAILED', error.message, error.details);
    throw error;
  }
}

function onlyPeriod<P extends PerformanceReport['equityCurve'][number]>(report: PerformanceReport<P>, period: PerformanceQuery['period']) {
  if (period === undefined) return report;
  return { ...report, byPeriod: { [period]: report.byPeriod[period] } };
}
