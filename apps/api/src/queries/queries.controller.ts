import { Controller, Get, Inject, Optional, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { ACCOUNTS_COLLECTION, AccountDoc, AccountListQuery, AUDIT_COLLECTION, type Collection, FieldCondition, findOverAccounts, ORDERS_COLLECTION, type Page, READ_MODEL_STORE, DocumentReader, readPortfolio } from '@robo/read-models';
import type { Account, Portfolio, Positions, StreamEvents } from '@robo/contract';
import { AccessService } from '../auth/access.service';
import { isCredentialStream, READ_ROLES } from '@robo/credentials';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ApiError } from '../common/api-error';
import { uuidParam } from '../common/uuid-param';
import { accountPortfolioAsOf, auditWhere, streamEventsPage } from './log-queries';
import { AuditQuery, ConsistencyQuery, OrdersQuery, parseLimit, parsePosition, PortfolioQuery, StreamEventsQuery } from './queries.dto';
import { MarketDataService } from '../market/market-data.service';
import { ReadYourWritesService } from './read-your-writes.service';

const EMPTY_PAGE = { items: [], nextCursor: null };

/**
 * Queries read the read models only (the stream endpoint aside, which shows the log itself). Every role may
 * read; traders and viewers only the accounts granted to them (lists without an account filter are limited to
 * those), auditors and admins every account.
 */
@ApiTags('queries')
@ApiBearerAuth()
@Controller('api')
@Roles(...READ_ROLES)
export class QueriesController {
  constructor(
    @Inject(READ_MODEL_STORE) private readonly reads: DocumentReader,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly consistency: ReadYourWritesService,
    private readonly access: AccessService,
    // Positions are marked at the market prices the feed recorded in the log (the prices read model).
    @Optional() private readonly market?: MarketDataService,
  ) {}

  @Get('orders')
  @ApiOperation({ summary: 'Orders, newest first, filtered and paged by cursor' })
  async orders(@Query() query: OrdersQuery, @CurrentPrincipal() principal: Principal) {
    const accountFilter = this.accountFilter(principal, query.accountId);
    if (accountFilter === null) return EMPTY_PAGE;
    await this.consistency.waitFor(parsePosition(query.minPosition), ['orders']);
    const where: Record<string, FieldCondition> = {};
    if (typeof accountFilter === 'string') where.accountId = accountFilter;
    if (query.status) where.status = query.status;
    if (query.instrument) where.instrument = query.instrument;
    return this.list(ORDERS_COLLECTION, accountFilter, { where, orderBy: { field: 'seq', direction: 'desc' }, limit: parseLimit(query.limit), cursor: query.cursor ?? null });
  }

  @Get('orders/:id')
  @ApiOperation({ summary: 'One order with its fills' })
  async order(@Param('id', uuidParam()) orderId: string, @Query() query: ConsistencyQuery, @CurrentPrincipal() principal: Principal) {
    await this.access.order(principal, orderId, 'read');
    await this.consistency.waitFor(parsePosition(query.minPosition), ['orders']);
    const doc = await ORDERS_COLLECTION.get(this.reads, orderId);
    if (!doc) throw new ApiError(404, 'ORDER_NOT_FOUND', `order ${orderId} does not exist`);
    return doc;
  }

  @Get('accounts/:id')
  @ApiOperation({ summary: 'Account: cash, reservations, limits, halt state' })
  async account(@Param('id', uuidParam()) accountId: string, @Query() query: ConsistencyQuery, @CurrentPrincipal() principal: Principal): Promise<Account> {
    this.access.account(principal, accountId, 'read');
    await this.consistency.waitFor(parsePosition(query.minPosition), ['accounts']);
    return this.accountDoc(accountId);
  }

  @Get('accounts/:id/positions')
  @ApiOperation({ summary: 'Positions of an account (open and closed), with realized P&L per instrument' })
  async positions(@Param('id', uuidParam()) accountId: string, @Query() query: ConsistencyQuery, @CurrentPrincipal() principal: Principal): Promise<Positions> {
    this.access.account(principal, accountId, 'read');
    await this.consistency.waitFor(parsePosition(query.minPosition), ['accounts', 'positions', 'prices']);
    const portfolio = await this.portfolioOf(accountId);
    return { accountId, positions: portfolio.positions };
  }

  @Get('accounts/:id/portfolio')
  @ApiOperation({ summary: 'Cash, equity, realized and unrealized P&L, fees, and total P&L (equity - money put in), and positions marked at the recorded market price (now, or asOf an instant)' })
  async portfolio(@Param('id', uuidParam()) accountId: string, @Query() query: PortfolioQuery, @CurrentPrincipal() principal: Principal): Promise<Portfolio> {
    this.access.account(principal, accountId, 'read');
    if (query.time !== undefined && query.asOf === undefined) throw new ApiError(400, 'VALIDATION_FAILED', 'time applies to asOf only');
    // Time travel reads the log, not the read models: the account stream and its position streams only.
    if (query.asOf !== undefined) return accountPortfolioAsOf(this.events, accountId, query.asOf, query.time ?? 'recorded');
    await this.consistency.waitFor(parsePosition(query.minPosition), ['accounts', 'positions', 'prices']);
    return this.portfolioOf(accountId);
  }

  @Get('streams/:stream/events')
  @ApiOperation({ summary: 'The events of one stream, straight from the log' })
  async stream(@Param('stream') stream: string, @Query() query: StreamEventsQuery, @CurrentPrincipal() principal: Principal): Promise<StreamEvents> {
    if (stream.length === 0 || stream.length > 200) throw new ApiError(400, 'INVALID_STREAM', 'stream name must be 1 to 200 characters');
    await this.access.stream(principal, stream);
    return streamEventsPage(this.events, stream, query);
  }

  @Get('audit')
  @ApiOperation({ summary: 'The audit trail: every event with who, when (business and recorded time) and why (correlation)' })
  async audit(@Query() query: AuditQuery, @CurrentPrincipal() principal: Principal) {
    const accountFilter = this.accountFilter(principal, query.accountId);
    if (accountFilter === null) return EMPTY_PAGE;
    await this.consistency.waitFor(parsePosition(query.minPosition), ['audit']);
    const where: Record<string, FieldCondition> = auditWhere(query);
    if (typeof accountFilter === 'string') where.accountId = accountFilter;
    const page = await this.list(AUDIT_COLLECTION, accountFilter, { where, orderBy: { field: 'position', direction: 'asc' }, limit: parseLimit(query.limit), cursor: query.cursor ?? null });
    if (this.access.visibleAccounts(principal) === null) return page;
    // A key's credential events (grants, revocations) name an account but are for admins and auditors only: a page
    // of a trader or viewer leaves them out, so it may hold fewer items than the limit (follow nextCursor).
    return { items: page.items.filter((e) => typeof e.streamName !== 'string' || !isCredentialStream(e.streamName)), nextCursor: page.nextCursor };
  }

  /** One page of a list, over every account when `accounts` is undefined, one account, or a key's granted accounts. */
  private list<T extends object>(collection: Collection<T>, accounts: string | string[] | undefined, query: AccountListQuery): Promise<Page<T>> {
    if (Array.isArray(accounts)) return findOverAccounts(this.reads, collection, accounts, query);
    return collection.find(this.reads, query);
  }

  /**
   * The accounts of a list: the one asked for (if the caller may read it), the caller's accounts when none was asked
   * for (traders and viewers), undefined for all accounts, null when the caller has no account.
   */
  private accountFilter(principal: Principal, requested: string | undefined): string | string[] | undefined | null {
    if (requested) {
      this.access.account(principal, requested, 'read');
      return requested;
    }
    const visible = this.access.visibleAccounts(principal);
    if (visible === null) return undefined;
    return visible.length === 0 ? null : visible;
  }

  private async accountDoc(accountId: string): Promise<AccountDoc> {
    const doc = await ACCOUNTS_COLLECTION.get(this.reads, accountId);
    if (!doc) throw new ApiError(404, 'ACCOUNT_NOT_FOUND', `account ${accountId} does not exist`);
    return doc;
  }

  private async portfolioOf(accountId: string) {
    const portfolio = await readPortfolio(this.reads, accountId);
    if (!portfolio) throw new ApiError(404, 'ACCOUNT_NOT_FOUND', `account ${accountId} does not exist`);
    // The next recorded batch of market prices includes what this account holds.
    this.market?.watch(portfolio.positions.filter((p) => p.quantity !== 0).map((p) => p.instrument));
    return portfolio;
  }
}
