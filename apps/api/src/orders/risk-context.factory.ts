import { Inject, Injectable } from '@nestjs/common';
import {
  evolvePosition,
  initialPositionState,
  Instrument,
  InstrumentCatalog,
  InvalidCommand,
  MarketCalendar,
  OpenAccountState,
  OrderMarketFacts,
  positionStreamName,
  RiskContext,
  riskContextFor,
} from '@robo/domain';
import { CLOCK, Clock } from '@robo/runtime';
import { INSTRUMENTS, MARKET_CALENDAR } from '@robo/runtime';
import { AggregateRepository } from '@robo/write-path';
import { MarketContextService } from './market-context.service';

export type MarketFacts = OrderMarketFacts;

/** Gathers everything the pure pre-trade check needs, so that the decision itself reads nothing. */
@Injectable()
export class RiskContextFactory {
  constructor(
    private readonly repository: AggregateRepository,
    private readonly market: MarketContextService,
    @Inject(INSTRUMENTS) private readonly instruments: InstrumentCatalog,
    @Inject(MARKET_CALENDAR) private readonly calendar: MarketCalendar,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  instrument(symbol: string): Instrument {
    const instrument = this.instruments.get(symbol);
    if (!instrument) throw new InvalidCommand('UNKNOWN_INSTRUMENT', `unknown instrument "${symbol}"`, { instrument: symbol });
    return instrument;
  }

  /** `ownReservationPaise` is added back for a modification, whose order already holds buying power. */
  async build(account: OpenAccountState, instrument: Instrument, options: { excludeOrderId?: string; ownReservationPaise?: number } = {}): Promise<RiskContext> {
    const market = await this.marketFacts(account.accountId, instrument, options.excludeOrderId);
    return this.assemble(account, instrument, market, options.ownReservationPaise ?? 0);
  }

  /** What the check reads besides the account: the position, working orders and the reference price. */
  async marketFacts(accountId: string, instrument: Instrument, excludeOrderId?: string): Promise<MarketFacts> {
    const now = this.clock.now();
    const [position, open, lastPrice] = await Promise.all([
      this.repository.load(positionStreamName(accountId, instrument.symbol), evolvePosition, initialPositionState),
      this.market.openQuantities(accountId, instrument.symbol, excludeOrderId),
      this.market.lastPrice(instrument.symbol),
    ]);
    return {
      now,
      positionQuantity: position.state.quantity,
      openBuyQuantity: open.buy,
      openSellQuantity: open.sell,
      referencePricePaise: lastPrice ?? instrument.referencePricePaise,
    };
  }

  /** The context for an account state and the facts gathered for it (the domain's riskContextFor). */
  assemble(account: OpenAccountState, instrument: Instrument, market: MarketFacts, ownReservationPaise = 0): RiskContext {
    return riskContextFor(account, instrument, market, this.calendar, ownReservationPaise);
  }

  /** The calendar the pre-trade check uses. */
  get marketCalendar(): MarketCalendar {
    return this.calendar;
  }
}
