import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { DomainError, parseDerivativeSymbol, parseInstantMs, toIst, type IstDate } from '@robo/domain';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { basketPayoff, basketPnl, payoffGrid, settlementValue, type LegFill } from '@robo/paper';
import { MAX_EXPORT_ROWS, ORDERS_COLLECTION, READ_MODEL_STORE, DocumentReader, type OrderDoc } from '@robo/read-models';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ApiError } from '../common/api-error';
import { strategyIdParam } from '../common/uuid-param';
import { IsCalendarDate } from '../common/instant';
import { MarketDataService } from '../market/market-data.service';
import { mayReadStrategy, strategyAccounts } from '../performance/strategy-accounts';
import { ConsistencyQuery, parsePosition } from '../queries/queries.dto';
import { ReadYourWritesService } from '../queries/read-your-writes.service';


export class BasketQuery extends ConsistencyQuery {
  @ApiPropertyOptional({ example: '2026-11-20', description: 'IST date the legs were placed; default the latest day with derivative legs' })
  @IsOptional()
  @IsCalendarDate()
  day?: string;
}

/**
 * The multi-leg basket of a strategy on one IST day: its derivative orders placed that day, each instrument a leg.
 * P&L from the library (basketPnl in libs/paper: the domain's position maths over the legs' fills only), marked at
 * the market's last price; payoff at expiry, max profit and loss and breakevens from basketPayoff.
 */
@ApiTags('strategies')
@ApiBearerAuth()
@Controller('api/strategies')
export class BasketController {
  constructor(
    private readonly consistency: ReadYourWritesService,
    private readonly market: MarketDataService,
    @Inject(READ_MODEL_STORE) private readonly reads: DocumentReader,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  @Get(':id/basket')
  @Roles('trader', 'viewer', 'auditor', 'admin')
  @ApiOperation({ summary: "A strategy's multi-leg basket of one day: legs, net premium, P&L at market marks, payoff at expiry, max profit/loss, breakevens" })
  @ApiResponse({ status: 200, description: 'legs (basketPnl), combined, netPremiumPaise (credit > 0), payoff' })
  @ApiResponse({ status: 400, description: 'INVALID_ID, VALIDATION_FAILED, BASKET_UNDERLYINGS_MIXED' })
  @ApiResponse({ status: 404, description: 'STRATEGY_NOT_FOUND, BASKET_NOT_FOUND (no derivative legs)' })
  async basket(@Param('id', strategyIdParam()) id: string, @Query() query: BasketQuery, @CurrentPrincipal() principal: Principal) {
    await this.consistency.waitFor(parsePosition(query.minPosition), ['orders', 'strategy-performance']);
    const accountIds = await strategyAccounts(this.reads, this.events, id);
    if (!mayReadStrategy(principal, accountIds)) throw new ApiError(404, 'STRATEGY_NOT_FOUND', `strategy ${id} does not exist`);
    const orders = (await this.strategyOrders(id)).filter((o) => parseDerivativeSymbol(o.instrument) !== null && o.fills.length > 0);
    const dayOf = (o: OrderDoc): IstDate => (parseInstantMs(o.placedAt) === null ? '' : toIst(o.placedAt).date);
    const days = [...new Set(orders.map(dayOf))].filter((d) => d !== '').sort();
    const day = query.day ?? days[days.length - 1];
    const legsOrders = orders.filter((o) => dayOf(o) === day);
    if (day === undefined || legsOrders.length === 0) throw new ApiError(404, 'BASKET_NOT_FOUND', `strategy ${id} has no derivative legs${query.day ? ` placed on ${query.day}` : ''}`, { days });
    const fills: LegFill[] = legsOrders.flatMap((o) =>
      o.fills.map((f) => ({ legId: o.instrument, accountId: o.accountId, instrument: o.instrument, orderId: o.orderId, side: o.side, ...f })),
    );
    fills.sort((a, b) => (parseInstantMs(a.occurredAt) ?? 0) - (parseInstantMs(b.occurredAt) ?? 0));
    try {
      const marks = this.marks([...new Set(fills.map((f) => f.instrument))]);
      const pnl = basketPnl(fills, marks.prices);
      const netPremiumPaise = fills.reduce((s, f) => s + (f.side === 'SELL' ? 1 : -1) * f.quantity * f.pricePaise, 0);
      const strikes = fills.map((f) => parseDerivativeSymbol(f.instrument)).flatMap((p) => (p?.kind === 'OPT' ? [p.strikePaise] : []));
      const spot = marks.spotPaise;
      const low = Math.min(spot ?? Infinity, ...strikes);
      const high = Math.max(spot ?? 0, ...strikes);
      const payoff = basketPayoff(fills, payoffGrid(Math.floor(low * 0.95), Math.ceil(high * 1.05), 40));
      return { strategyId: id, day, days, spotPaise: spot, netPremiumPaise, legs: pnl.legs.map((l) => ({ ...l, markSource: marks.sources[l.instrument] })), combined: pnl.combined, payoff };
    } catch (error) {
      if (error instanceof DomainError) throw new ApiError(400, error.code, error.message, error.details);
      throw error;
    }
  }

  /** The feed's last price; a contract the feed no longer quotes (expired) at its settlement value at the underlying's price. */
  private marks(instruments: string[]): { prices: Record<string, number>; sources: Record<string, 'MARKET' | 'SETTLEMENT' | 'NONE'>; spotPaise: number | null } {
    const prices: Record<string, number> = {};
    const sources: Record<string, 'MARKET' | 'SETTLEMENT' | 'NONE'> = {};
    let spotPaise: number | null = null;
    for (const instrument of instruments) {
      const parsed = parseDerivativeSymbol(instrument)!;
      const spot = this.market.feed.quote(parsed.underlying)?.lastPaise ?? null;
      spotPaise ??= spot;
      const quote = this.market.feed.quote(instrument);
      if (quote !== null) {
        prices[instrument] = quote.lastPaise;
        sources[instrument] = 'MARKET';
      } else if (spot !== null) {
        prices[instrument] = settlementValue(parsed.kind === 'FUT' ? { kind: 'FUT', strikePaise: 0 } : { kind: parsed.optionType, strikePaise: parsed.strikePaise }, spot);
        sources[instrument] = 'SETTLEMENT';
      } else sources[instrument] = 'NONE';
    }
    return { prices, sources, spotPaise };
  }

  private async strategyOrders(strategyId: string): Promise<OrderDoc[]> {
    const items: OrderDoc[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: OrderDoc[]; nextCursor: string | null } = await ORDERS_COLLECTION.find(this.reads, { where: { strategyId }, orderBy: { field: 'seq', direction: 'asc' }, limit: 1000, cursor });
      items.push(...page.items);
      cursor = page.nextCursor;
      if (items.length > MAX_EXPORT_ROWS) throw new ApiError(422, 'RESPONSE_TOO_LARGE', `strategy ${strategyId} has more than ${MAX_EXPORT_ROWS} orders`);
    } while (cursor !== null);
    return items;
  }
}
