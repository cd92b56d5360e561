import { Controller, Get, Header, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { InstrumentCatalog, toIst, type ChargeSchedule, type Segment } from '@robo/domain';
import {
  ACCOUNTS_COLLECTION,
  ExportTooLargeError,
  exportFills,
  exportRange,
  exportOrders,
  exportTrades,
  fillsCsv,
  InvalidQueryError,
  ordersCsv,
  READ_MODEL_STORE,
  DocumentReader,
  readStatement,
  statementCsv,
  tradesCsv,
  type DateRange,
  type ExportSources,
  type Statement,
} from '@robo/read-models';
import { CHARGE_SCHEDULES_IN_FORCE, CLOCK, type Clock, INSTRUMENTS } from '@robo/runtime';
import { AccessService } from '../auth/access.service';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ApiError } from '../common/api-error';
import { uuidParam } from '../common/uuid-param';
import { parsePosition } from '../queries/queries.dto';
import { ReadYourWritesService } from '../queries/read-your-writes.service';
import { EXPORT_KINDS, ExportRangeQuery, type ExportKind } from './exports.dto';

const PROJECTIONS = ['accounts', 'orders', 'positions', 'account-performance'];

/**
 * CSV exports (orders, fills, closed trades, the daily P&L statement) and the statement as JSON, of one account over
 * a range of IST dates. Read like the account's other reads: a caller that may not see the account gets 404. Bounded:
 * at most 366 days and 10,000 rows (422 EXPORT_TOO_LARGE: narrow the range).
 */
@ApiTags('exports')
@ApiBearerAuth()
@Controller('api/accounts')
export class ExportsController {
  private readonly sources: ExportSources;

  constructor(
    private readonly access: AccessService,
    private readonly consistency: ReadYourWritesService,
    @Inject(READ_MODEL_STORE) reads: DocumentReader,
    @Inject(INSTRUMENTS) catalog: InstrumentCatalog,
    @Inject(CHARGE_SCHEDULES_IN_FORCE) schedules: readonly ChargeSchedule[],
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.sources = { store: reads, schedules, segmentOf: (instrument: string): Segment | null => catalog.get(instrument)?.segment ?? null };
  }

  @Get(':id/statement')
  @Roles('trader', 'viewer', 'auditor', 'admin')
  @ApiOperation({ summary: 'Daily P&L statement: per IST day realized, charges by kind, net, turnover and fills (integer paise)' })
  @ApiResponse({ status: 200, description: 'days and totals; charges.notSplit holds totals the broker reported (never split)' })
  @ApiResponse({ status: 400, description: 'VALIDATION_FAILED (from after to, more than 366 days)' })
  @ApiResponse({ status: 404, description: 'ACCOUNT_NOT_FOUND' })
  @ApiResponse({ status: 422, description: 'EXPORT_TOO_LARGE' })
  async statement(@Param('id', uuidParam()) id: string, @Query() query: ExportRangeQuery, @CurrentPrincipal() principal: Principal): Promise<Statement> {
    const range = await this.prepare(id, query, principal);
    return bounded(() => readStatement(this.sources, id, range));
  }

  @Get(':id/exports/:kind')
  @Roles('trader', 'viewer', 'auditor', 'admin')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'CSV (RFC 4180, header row, money in rupees with two decimals, times IST) of orders, fills, closed trades or the daily statement' })
  @ApiParam({ name: 'kind', enum: EXPORT_KINDS })
  @ApiProduces('text/csv')
  @ApiResponse({ status: 200, description: 'text/csv attachment' })
  @ApiResponse({ status: 400, description: 'VALIDATION_FAILED, UNKNOWN_EXPORT' })
  @ApiResponse({ status: 404, description: 'ACCOUNT_NOT_FOUND' })
  @ApiResponse({ status: 422, description: 'EXPORT_TOO_LARGE' })
  async csv(
    @Param('id', uuidParam()) id: string,
    @Param('kind') kind: string,
    @Query() query: ExportRangeQuery,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    if (!(EXPORT_KINDS as readonly string[]).includes(kind)) throw new ApiError(400, 'UNKNOWN_EXPORT', `exports are ${EXPORT_KINDS.join(', ')}`, { kinds: EXPORT_KINDS });
    const range = await this.prepare(id, query, principal);
    const body = await bounded(() => this.render(kind as ExportKind, id, range));
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${kind}-${id}-${range.from}-${range.to}.csv"`);
    return body;
  }

  private async render(kind: ExportKind, id: string, range: DateRange): Promise<string> {
    switch (kind) {
      case 'orders':
        return ordersCsv(await exportOrders(this.sources.store, id, range));
      case 'fills':
        return fillsCsv(await exportFills(this.sources, id, range));
      case 'trades':
        return tradesCsv(await exportTrades(this.sources.store, id, range));
      case 'statement':
        return statementCsv(await readStatement(this.sources, id, range));
    }
  }

  private async prepare(id: string, query: ExportRangeQuery, principal: Principal): Promise<DateRange> {
    this.access.account(principal, id, 'read');
    let range: DateRange;
    try {
      range = exportRange(query, toIst(this.clock.now()).date);
    } catch (error) {
      if (error instanceof InvalidQueryError) throw new ApiError(400, 'VALIDATION_FAILED', error.message);
      throw error;
    }
    await this.consistency.waitFor(parsePosition(query.minPosition), PROJECTIONS);
    if ((await ACCOUNTS_COLLECTION.get(this.sources.store, id)) === null) throw new ApiError(404, 'ACCOUNT_NOT_FOUND', `account ${id} does not exist`);
    return range;
  }
}

async function bounded<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ExportTooLargeError) throw new ApiError(422, error.code, error.message, { rows: error.rows });
    throw error;
  }
}
