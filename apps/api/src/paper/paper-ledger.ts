import {
  decidePosition,
  istTradingDay,
  evolveOrder,
  evolvePosition,
  evolveStrategy,
  initialOrderState,
  initialPositionState,
  initialStrategyState,
  isFinal,
  isWorking,
  type ExistingOrder,
  type ExistingStrategy,
  type OrderEvent,
  type PositionState,
  type StrategyEvent,
  type StrategyState,
} from '@robo/domain';
import { catchUpFiltered, type EventEnvelope, type EventStore, type LogCursor } from '@robo/event-store';
import type { StrategyFill } from '@robo/paper';
import { STRATEGY_EVENT_TYPES } from '@robo/read-models';

const ORDER_TYPES = ['OrderPlaced', 'OrderAccepted', 'OrderRejected', 'OrderTriggered', 'OrderModified', 'OrderPartiallyFilled', 'OrderFilled', 'OrderCancelled', 'OrderExpired'];
const TYPES = [...ORDER_TYPES, ...STRATEGY_EVENT_TYPES, 'BrokerChosen'];

export interface LedgerOrder {
  state: ExistingOrder;
  /** The correlation id of the placement: the broker's fills carry it, tying signal, order, fills and positions. */
  correlationId: string;
  placedEventId: string;
}

/** An order a strategy placed, as the strategy named it. */
export interface StrategyPlacement {
  instrument: string;
  quantity: number;
  placedAt: string;
}

export interface MisPosition {
  accountId: string;
  instrument: string;
  quantity: number;
  cycle: number;
  strategyId: string | null;
}

/**
 * What the paper broker and the strategy runner know, folded from the log with the domain's own evolve functions:
 * working orders, strategies, each strategy's positions (per instrument, through the position decider), and the
 * net MIS quantity per account and instrument (for the square-off). It catches up with readAll from its position,
 * so a step sees every command issued before it, and a restart rebuilds it from the log.
 */
export class PaperLedger {
  private readonly cursor: LogCursor = { position: 0n };
  readonly orders = new Map<string, LedgerOrder>();
  readonly strategies = new Map<string, ExistingStrategy>();
  /** strategyId -> instrument -> position of that strategy's fills alone. */
  readonly strategyPositions = new Map<string, Map<string, PositionState>>();
  readonly mis = new Map<string, MisPosition>();
  /**
   * strategyId -> the orders it placed on its latest IST trading day, by client order id: what a strategy already
   * decided that day, so that after a restart it goes on from there instead of deciding again (and reusing an id).
   */
  readonly strategyPlacements = new Map<string, { day: string; byClientOrderId: Map<string, StrategyPlacement> }>();
  /** strategyId -> fills of its orders not yet handed to it (drainFills), oldest first. */
  private readonly strategyFills = new Map<string, StrategyFill[]>();

  /** Accounts whose orders a live broker executes (BrokerChosen other than paper): the paper broker leaves them be. */
  readonly liveAccounts = new Set<string>();

  constructor(private readonly events: EventStore) {}

  async catchUp(): Promise<void> {
    await catchUpFiltered(this.events, this.cursor, { eventTypes: TYPES }, 1000, (event) => this.apply(event));
  }

  /** Working orders the paper broker executes (those of accounts trading through a live broker are not among them). */
  working(): LedgerOrder[] {
    return [...this.orders.values()].filter((o) => isWorking(o.state.status) && !this.liveAccounts.has(o.state.accountId));
  }

  strategyPosition(strategyId: string, instrument: string): PositionState {
    return this.strategyPositions.get(strategyId)?.get(instrument) ?? initialPositionState;
  }

  /** The fills of the strategy's orders folded since the last call, oldest first. */
  drainFills(strategyId: string): StrategyFill[] {
    const fills = this.strategyFills.get(strategyId) ?? [];
    this.strategyFills.delete(strategyId);
    return fills;
  }

  private apply(event: EventEnvelope): void {
    if (event.type === 'BrokerChosen') {
      const { accountId, broker } = event.data as { accountId: string; broker: string };
      if (broker === 'paper') this.liveAccounts.delete(accountId);
      else this.liveAccounts.add(accountId);
      return;
    }
    if (event.streamName.startsWith('strategy-')) {
      const id = (event.data as { strategyId: string }).strategyId;
      const next: StrategyState = evolveStrategy(this.strategies.get(id) ?? initialStrategyState, { type: event.type, data: event.data } as StrategyEvent);
      if (next.status !== 'NONE') this.strategies.set(id, next);
      return;
    }
    if (!event.streamName.startsWith('order-')) return;
    const orderEvent = { type: event.type, data: event.data } as OrderEvent;
    const orderId = (event.data as { orderId: string }).orderId;
    const known = this.orders.get(orderId);
    const next = evolveOrder(known?.state ?? initialOrderState, orderEvent);
    if (next.status === 'NONE') return;
    if (orderEvent.type === 'OrderPlaced' && orderEvent.data.strategyId && orderEvent.data.clientOrderId) this.recordPlacement(orderEvent.data);
    const entry: LedgerOrder = known ? { ...known, state: next } : { state: next, correlationId: event.metadata.correlationId, placedEventId: event.metadata.eventId };
    this.orders.set(orderId, entry);
    if (orderEvent.type === 'OrderFilled' || orderEvent.type === 'OrderPartiallyFilled') this.applyFill(entry.state, orderEvent.data);
    // Final orders leave memory, except what the positions already took from them.
    if (isFinal(next.status)) this.orders.delete(orderId);
  }

  private recordPlacement(placed: Extract<OrderEvent, { type: 'OrderPlaced' }>['data']): void {
    const day = istTradingDay(placed.placedAt);
    const strategyId = placed.strategyId!;
    let placements = this.strategyPlacements.get(strategyId);
    if (!placements || placements.day < day) {
      placements = { day, byClientOrderId: new Map() };
      this.strategyPlacements.set(strategyId, placements);
    }
    if (placements.day === day) placements.byClientOrderId.set(placed.clientOrderId!, { instrument: placed.instrument, quantity: placed.quantity, placedAt: placed.placedAt });
  }

  private applyFill(order: ExistingOrder, fill: Extract<OrderEvent, { type: 'OrderFilled' }>['data']): void {
    const signed = order.side === 'BUY' ? fill.quantity : -fill.quantity;
    if (order.product === 'MIS') {
      const key = `${order.accountId}|${order.instrument}`;
      const current = this.mis.get(key) ?? { accountId: order.accountId, instrument: order.instrument, quantity: 0, cycle: 0, strategyId: null };
      const cycle = current.quantity === 0 ? current.cycle + 1 : current.cycle;
      this.mis.set(key, { ...current, quantity: current.quantity + signed, cycle, strategyId: order.strategyId ?? current.strategyId });
    }
    if (order.strategyId) {
      const byInstrument = this.strategyPositions.get(order.strategyId) ?? new Map<string, PositionState>();
      let state = byInstrument.get(order.instrument) ?? initialPositionState;
      const data = { accountId: order.accountId, instrument: order.instrument, orderId: order.orderId, fillId: fill.fillId, side: order.side, quantity: fill.quantity, pricePaise: fill.pricePaise, feesPaise: fill.feesPaise, occurredAt: fill.occurredAt };
      for (const e of decidePosition({ type: 'ApplyFill', data }, state)) state = evolvePosition(state, e);
      byInstrument.set(order.instrument, state);
      const fills = this.strategyFills.get(order.strategyId) ?? [];
      fills.push({ orderId: order.orderId, clientOrderId: order.clientOrderId ?? null, instrument: order.instrument, side: order.side, quantity: fill.quantity, pricePaise: fill.pricePaise, feesPaise: fill.feesPaise, occurredAt: fill.occurredAt });
      this.strategyFills.set(order.strategyId, fills);
      this.strategyPositions.set(order.strategyId, byInstrument);
    }
  }
}
