import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { canPlaceOrders, InstrumentCatalog, type ExistingStrategy, type MarketCalendar } from '@robo/domain';
import type { Tick } from '@robo/market-data';
import { addTickToBar, type Bar, type StrategyIntent, type StrategyMarket, type StrategyPosition, type StrategyRegistry, type StrategyStepInput } from '@robo/paper';
import { INSTRUMENTS, MARKET_CALENDAR } from '@robo/runtime';
import { MarketDataService } from '../market/market-data.service';
import { OrderLifecycleMessage } from '../orders/order-commands';
import type { LifecycleResult } from '../orders/order-lifecycle.handler';
import { type CommandOutcome, type CommandContext, derivedId } from '@robo/write-path';
import { OrderPlacer, orderIdForClientOrder } from './order-placer';
import type { PaperLedger } from './paper-ledger';
import { STRATEGY_REGISTRY } from './strategy-registry.module';

interface Running {
  parametersVersion: number;
  /** The strategy's own state, as its last step returned it (undefined until its first step). */
  state: unknown;
  /** The bar being formed from ticks, for a strategy that asked for bars. */
  bar: Bar | null;
}

/**
 * Runs ACTIVE strategies (kill switch off) on each market step: for each, the module of its kind (from the strategy
 * registry) gets the step's ticks, the bars that closed, its new fills and its positions, and returns intents and
 * its next state; the intents go through the ordinary command path. Each signal gets a correlation id (derived from
 * its client order id, or from the basket for a multi-leg entry) that its order, the broker's fills and the
 * position changes then carry. A halted, paused or stopped strategy places nothing; a kind no module is registered
 * for is recorded only.
 */
@Injectable()
export class StrategyRunnerService {
  private readonly logger = new Logger('StrategyRunner');
  private readonly running = new Map<string, Running>();
  private readonly marketView: StrategyMarket;

  constructor(
    private readonly commandBus: CommandBus,
    private readonly market: MarketDataService,
    private readonly placer: OrderPlacer,
    @Inject(INSTRUMENTS) catalog: InstrumentCatalog,
    @Inject(MARKET_CALENDAR) calendar: MarketCalendar,
    @Inject(STRATEGY_REGISTRY) private readonly registry: StrategyRegistry,
  ) {
    this.marketView = { catalog, calendar, quote: (symbol) => this.market.quote(symbol) };
  }

  async onStep(ledger: PaperLedger, now: string, ticks: readonly Tick[]): Promise<void> {
    for (const strategy of ledger.strategies.values()) {
      const fills = ledger.drainFills(strategy.strategyId);
      if (!canPlaceOrders(strategy)) continue;
      try {
        const intents = this.decide(strategy, ledger, now, ticks, fills);
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

  private decide(strategy: ExistingStrategy, ledger: PaperLedger, now: string, ticks: readonly Tick[], fills: StrategyStepInput['fills']): StrategyIntent[] {
    const definition = this.registry.get(strategy.kind);
    if (definition === null) return []; // recorded but not runnable here
    const context = { strategyId: strategy.strategyId, accountId: strategy.accountId, capitalAllocationPaise: strategy.capitalAllocationPaise };
    const params = this.registry.parse(strategy.kind, strategy.parameters);
    const known = this.running.get(strategy.strategyId);
    // New parameters start the strategy's own state afresh.
    const run: Running = known && known.parametersVersion === strategy.parametersVersion ? known : { parametersVersion: strategy.parametersVersion, state: undefined, bar: null };
    this.running.set(strategy.strategyId, run);
    const bars: Bar[] = [];
    const wanted = definition.bars?.(params) ?? null;
    if (wanted !== null) {
      const tick = ticks.find((t) => t.symbol === wanted.instrument);
      if (tick) {
        const folded = addTickToBar(run.bar, tick, wanted.barSeconds);
        run.bar = folded.current;
        if (folded.completed) bars.push(folded.completed);
      }
    }
    const positions: Record<string, StrategyPosition> = {};
    for (const [instrument, p] of ledger.strategyPositions.get(strategy.strategyId) ?? []) positions[instrument] = { quantity: p.quantity, costBasisPaise: p.costBasisPaise };
    const placedToday = ledger.strategyPlacements.get(strategy.strategyId)?.byClientOrderId ?? new Map();
    const input: StrategyStepInput = { now, ticks, bars, fills, positions, placedToday, market: this.marketView };
    // First step since start (or since new parameters): the module rebuilds its state (the straddle from the day's orders).
    const state = run.state === undefined ? definition.initialState(params, context, input) : run.state;
    const result = definition.step(state, input, params, context);
    run.state = result.state;
    return result.intents;
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
