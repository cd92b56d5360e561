import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { canPlaceOrders, InstrumentCatalog, type ExistingStrategy, type MarketCalendar } from '@robo/domain';
import type { Tick } from '@robo/market-data';
import {
  addTickToBar,
  initialMaCrossoverState,
  maCrossoverOnBar,
  parseMaCrossoverParams,
  parseShortStraddleParams,
  restoreShortStraddleState,
  shortStraddleStep,
  type Bar,
  type MaCrossoverState,
  type ShortStraddleState,
  type StrategyIntent,
} from '@robo/paper';
import { INSTRUMENTS, MARKET_CALENDAR } from '@robo/runtime';
import { MarketDataService } from '../market/market-data.service';
import { OrderLifecycleMessage } from '../orders/order-commands';
import type { LifecycleResult } from '../orders/order-lifecycle.handler';
import type { CommandOutcome } from '../write/outcome';
import type { CommandContext } from '../write/command-context';
import { derivedId } from '../write/event-ids';
import { OrderPlacer, orderIdForClientOrder } from './order-placer';
import type { PaperLedger } from './paper-ledger';

interface Running {
  parametersVersion: number;
  ma?: { state: MaCrossoverState; bar: Bar | null };
  straddle?: ShortStraddleState;
}

/**
 * Runs ACTIVE strategies (kill switch off) on each market step and places their intents through the ordinary
 * command path. Each signal gets a correlation id (derived from its client order id, or from the basket for a
 * multi-leg entry) that its order, the broker's fills and the position changes then carry. A halted, paused or
 * stopped strategy places nothing.
 */
@Injectable()
export class StrategyRunnerService {
  private readonly logger = new Logger('StrategyRunner');
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly commandBus: CommandBus,
    private readonly market: MarketDataService,
    private readonly placer: OrderPlacer,
    @Inject(INSTRUMENTS) private readonly catalog: InstrumentCatalog,
    @Inject(MARKET_CALENDAR) private readonly calendar: MarketCalendar,
  ) {}

  async onStep(ledger: PaperLedger, now: string, ticks: readonly Tick[]): Promise<void> {
    for (const strategy of ledger.strategies.values()) {
      if (!canPlaceOrders(strategy)) continue;
      try {
        const intents = this.decide(strategy, ledger, now, ticks);
        for (const intent of intents) {
          // Between two intents the kill switch may have been thrown: the ledger is caught up by the engine only
          // between steps, so a halt lands at the next step at the latest.
          await this.execute(strategy, intent);
        }
      } catch (error) {
        this.logger.warn({ err: error, strategyId: strategy.strategyId }, 'strategy step failed');
      }
    }
  }

  private decide(strategy: ExistingStrategy, ledger: PaperLedger, now: string, ticks: readonly Tick[]): StrategyIntent[] {
    const context = { strategyId: strategy.strategyId, accountId: strategy.accountId, capitalAllocationPaise: strategy.capitalAllocationPaise };
    const known = this.running.get(strategy.strategyId);
    // New parameters start the strategy's own state afresh.
    const run: Running = known && known.parametersVersion === strategy.parametersVersion ? known : { parametersVersion: strategy.parametersVersion };
    this.running.set(strategy.strategyId, run);
    switch (strategy.kind) {
      case 'ma-crossover': {
        const params = parseMaCrossoverParams(strategy.parameters);
        const tick = ticks.find((t) => t.symbol === params.instrument);
        if (!tick) return [];
        const ma = run.ma ?? { state: initialMaCrossoverState, bar: null };
        const folded = addTickToBar(ma.bar, tick, params.barSeconds);
        ma.bar = folded.current;
        run.ma = ma;
        if (!folded.completed) return [];
        const position = ledger.strategyPosition(strategy.strategyId, params.instrument);
        const decision = maCrossoverOnBar(ma.state, { closePaise: folded.completed.closePaise, at: folded.completed.startAt }, params, {
          ...context,
          positionQuantity: position.quantity,
          lotSize: this.catalog.get(params.instrument)?.lotSize ?? 1,
        });
        ma.state = decision.state;
        return decision.intents;
      }
      case 'short-straddle': {
        const params = parseShortStraddleParams(strategy.parameters);
        const index = this.catalog.indices().find((i) => i.symbol === params.underlying);
        const spot = this.market.quote(params.underlying);
        if (!index || !spot) return [];
        const legs: Record<string, { quantity: number; costBasisPaise: number }> = {};
        for (const [instrument, p] of ledger.strategyPositions.get(strategy.strategyId) ?? []) legs[instrument] = { quantity: p.quantity, costBasisPaise: p.costBasisPaise };
        // First step since start (or since new parameters): the day's basket as the log has it, not a fresh one.
        const placed = ledger.strategyPlacements.get(strategy.strategyId)?.byClientOrderId ?? new Map();
        const state = run.straddle ?? restoreShortStraddleState(strategy.strategyId, now, placed);
        const decision = shortStraddleStep(state, { now, spotPaise: spot.lastPaise, index, calendar: this.calendar, legs }, params, context);
        run.straddle = decision.state;
        return decision.intents;
      }
      default:
        return []; // recorded but not runnable here
    }
  }

  private async execute(strategy: ExistingStrategy, intent: StrategyIntent): Promise<void> {
    const actor = `strategy:${strategy.strategyId}`;
    if (intent.kind === 'CANCEL') {
      const orderId = orderIdForClientOrder(intent.accountId, intent.clientOrderId);
      const ctx: CommandContext = { correlationId: derivedId('signal', intent.clientOrderId), causationId: null, actor };
      const outcome = await this.commandBus.execute<OrderLifecycleMessage, CommandOutcome<LifecycleResult>>(
        new OrderLifecycleMessage(orderId, () => ({ type: 'CancelOrder', data: { orderId, reason: intent.reason } }), ctx, derivedId(orderId, 'strategy-cancel')),
      );
      // A stop that already fired (or was never accepted) cannot be cancelled.
      if (outcome.outcome === 'rejected') this.logger.debug({ orderId, code: outcome.code }, 'cancel refused');
      return;
    }
    // A basket's legs share one correlation id: the multi-leg position is one decision.
    const correlationId = derivedId('signal', intent.legGroupId ?? intent.clientOrderId);
    await this.placer.place(intent, { correlationId, causationId: null, actor });
  }
}
