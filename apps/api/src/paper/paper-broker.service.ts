import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { InstrumentCatalog, orderStream, type ChargeSchedule, type MarketCalendar } from '@robo/domain';
import { matchOrder, squareOffOrders, type SquareOffPosition } from '@robo/paper';
import { APP_CONFIG, AppConfig, CHARGE_SCHEDULES_IN_FORCE, INSTRUMENTS, MARKET_CALENDAR } from '@robo/runtime';
import { MarketDataService } from '../market/market-data.service';
import { OrderLifecycleMessage } from '../orders/order-commands';
import type { LifecycleResult } from '../orders/order-lifecycle.handler';
import { type CommandOutcome, derivedId, type CommandContext } from '@robo/write-path';
import { OrderPlacer } from './order-placer';
import type { LedgerOrder, PaperLedger } from './paper-ledger';

export const PAPER_BROKER_ACTOR = 'system:paper-broker';

/**
 * The paper broker: on each market step it matches every working order with matchOrder and reports what happened
 * through the ordinary order commands (TriggerOrder, ReportFill, ExpireOrder), exactly as a real broker's
 * execution reports would be recorded. Fill ids and event ids are deterministic, so a step run twice changes
 * nothing. After the MIS cut-off it squares off open intraday positions through the ordinary PlaceOrder path.
 */
@Injectable()
export class PaperBrokerService {
  private readonly logger = new Logger('PaperBroker');

  constructor(
    private readonly commandBus: CommandBus,
    private readonly market: MarketDataService,
    private readonly placer: OrderPlacer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(INSTRUMENTS) private readonly catalog: InstrumentCatalog,
    @Inject(MARKET_CALENDAR) private readonly calendar: MarketCalendar,
    @Inject(CHARGE_SCHEDULES_IN_FORCE) private readonly chargeSchedules: readonly ChargeSchedule[],
  ) {}

  async match(ledger: PaperLedger, now: string): Promise<number> {
    let reports = 0;
    for (const order of ledger.working()) reports += await this.matchOne(order, now);
    return reports;
  }

  async squareOff(ledger: PaperLedger, now: string): Promise<void> {
    const positions: SquareOffPosition[] = [];
    for (const p of ledger.mis.values()) {
      const instrument = this.catalog.get(p.instrument);
      if (instrument && p.quantity !== 0) positions.push({ ...p, segment: instrument.segment, product: 'MIS' });
    }
    for (const intent of squareOffOrders(positions, now, this.calendar)) {
      const ctx: CommandContext = { correlationId: derivedId('square-off', intent.clientOrderId), causationId: null, actor: PAPER_BROKER_ACTOR };
      await this.placer.place(intent, ctx);
    }
  }

  private async matchOne(entry: LedgerOrder, now: string): Promise<number> {
    const order = entry.state;
    const instrument = this.catalog.get(order.instrument);
    if (!instrument) return 0;
    const result = matchOrder(order, this.market.quote(order.instrument), {
      now,
      slippageBps: this.config.paper.slippageBps,
      maxFillFractionOfVolume: this.config.paper.fillFractionPct / 100,
      instrument,
      calendar: this.calendar,
      chargeSchedules: this.chargeSchedules,
    });
    const ctx: CommandContext = { correlationId: entry.correlationId, causationId: entry.placedEventId, actor: PAPER_BROKER_ACTOR };
    const stream = orderStream(order.orderId);
    const { orderId } = order;
    // A cancel or a modify may race the broker; the order stream decides, and the next step sees the outcome.
    const report = async (message: OrderLifecycleMessage): Promise<boolean> => {
      const outcome = await this.commandBus.execute<OrderLifecycleMessage, CommandOutcome<LifecycleResult>>(message);
      if (outcome.outcome !== 'rejected') return true;
      this.logger.warn({ orderId, code: outcome.code, message: outcome.message }, 'execution report refused');
      return false;
    };
    try {
      let going = true;
      if (result.trigger) {
        const { lastPricePaise, at } = result.trigger;
        going = await report(new OrderLifecycleMessage(orderId, () => ({ type: 'TriggerOrder', data: { orderId, lastPricePaise, now: at } }), ctx, derivedId(stream, 'paper-trigger')));
      }
      for (const f of result.fills) {
        if (!going) break;
        const data = { orderId, fillId: f.fillId, quantity: f.quantity, pricePaise: f.pricePaise, feesPaise: f.feesPaise, occurredAt: f.occurredAt };
        // The same event-id seed as POST /fills: a fill id reported twice is one fill.
        going = await report(new OrderLifecycleMessage(orderId, () => ({ type: 'ReportFill', data }), ctx, derivedId(stream, 'fill', f.fillId)));
      }
      if (going && result.expire) {
        const reason = result.expire.reason;
        await report(new OrderLifecycleMessage(orderId, () => ({ type: 'ExpireOrder', data: { orderId, reason } }), ctx, derivedId(stream, 'paper-expire')));
      }
    } catch (error) {
      this.logger.warn({ err: error, orderId }, 'execution report failed');
    }
    return (result.trigger ? 1 : 0) + result.fills.length + (result.expire ? 1 : 0);
  }
}
