import { InvalidCommand } from '../common/errors';
import type { IsoInstant, IstDate, Side } from '../common/types';
import { istTradingDay, parseInstantMs } from '../market/ist';

/**
 * Reconciliation of a live broker against the log: what the broker shows (its orders of the day, its day positions)
 * compared with what the log holds. One stream per broker connection (`broker-kite`): the broker's orders placed
 * outside this system, and the positions that disagree, are recorded there.
 */
export const brokerStream = (broker: string): string => `broker-${broker}`;

export type BrokerEvent =
  | {
      type: 'ExternalBrokerOrderSeen';
      data: { broker: string; brokerOrderId: string; tag: string | null; instrument: string; side: Side; quantity: number; brokerStatus: string; seenAt: IsoInstant };
    }
  | { type: 'PositionDiscrepancyFound'; data: { broker: string; tradingDay: IstDate; instrument: string; brokerQuantity: number; ourQuantity: number; seenAt: IsoInstant } }
  | { type: 'PositionDiscrepancyCleared'; data: { broker: string; tradingDay: IstDate; instrument: string; quantity: number; seenAt: IsoInstant } };

export type BrokerEventType = BrokerEvent['type'];

export interface OpenDiscrepancy {
  tradingDay: IstDate;
  instrument: string;
  brokerQuantity: number;
  ourQuantity: number;
  since: IsoInstant;
}

export interface BrokerReconciliationState {
  /** Broker order ids already recorded as external. */
  externalOrderIds: ReadonlySet<string>;
  /** Open discrepancies by `tradingDay instrument`. */
  discrepancies: ReadonlyMap<string, OpenDiscrepancy>;
}

export const initialBrokerReconciliationState: BrokerReconciliationState = { externalOrderIds: new Set(), discrepancies: new Map() };

const keyOf = (tradingDay: string, instrument: string): string => `${tradingDay} ${instrument}`;

export function evolveBrokerReconciliation(state: BrokerReconciliationState, event: BrokerEvent): BrokerReconciliationState {
  switch (event.type) {
    case 'ExternalBrokerOrderSeen':
      return { ...state, externalOrderIds: new Set([...state.externalOrderIds, event.data.brokerOrderId]) };
    case 'PositionDiscrepancyFound': {
      const { tradingDay, instrument, brokerQuantity, ourQuantity, seenAt } = event.data;
      const discrepancies = new Map(state.discrepancies);
      discrepancies.set(keyOf(tradingDay, instrument), { tradingDay, instrument, brokerQuantity, ourQuantity, since: seenAt });
      return { ...state, discrepancies };
    }
    case 'PositionDiscrepancyCleared': {
      const discrepancies = new Map(state.discrepancies);
      discrepancies.delete(keyOf(event.data.tradingDay, event.data.instrument));
      return { ...state, discrepancies };
    }
    default: {
      const unknown: never = event;
      throw new Error(`unknown broker event ${JSON.stringify(unknown)}`);
    }
  }
}

/** One order as the broker lists it, with what the log knows of it (gathered by the caller). */
export interface BrokerOrderFact {
  brokerOrderId: string;
  tag: string | null;
  instrument: string;
  side: Side;
  quantity: number;
  brokerStatus: string;
  /** The log records this broker order id as the routing of one of our orders. */
  routedByUs: boolean;
  /** The tag is the tag of one of our orders (placed, perhaps, with its routing not yet recorded). */
  tagIsOurs: boolean;
}

/** One instrument's net quantity of the trading day: at the broker (its day positions) and in the log (our fills there). */
export interface PositionFact {
  instrument: string;
  brokerQuantity: number;
  ourQuantity: number;
}

export interface ReconcileBroker {
  broker: string;
  /** When the broker's figures were read. */
  at: IsoInstant;
  orders: readonly BrokerOrderFact[];
  /** Day positions; an instrument missing here is flat on both sides. */
  positions: readonly PositionFact[];
}

/**
 * What one reconciliation pass means, after the missing executions were recorded:
 * - a broker order neither routed by us nor carrying one of our tags was placed outside this system: it is
 *   recorded once (ExternalBrokerOrderSeen), however many passes see it;
 * - a day position whose net quantity at the broker differs from our fills routed there is a discrepancy: recorded
 *   once per distinct disagreement (the same figures again decide nothing, other figures are a new record), and
 *   cleared when the two agree again (or the trading day it belongs to is over).
 */
export function decideReconciliation(command: ReconcileBroker, state: BrokerReconciliationState): BrokerEvent[] {
  if (!command.broker) throw new InvalidCommand('BROKER_REQUIRED', 'a reconciliation names its broker');
  if (parseInstantMs(command.at) === null) throw new InvalidCommand('INVALID_INSTANT', `at ${command.at} is not an ISO instant`);
  const { broker, at } = command;
  const tradingDay = istTradingDay(at);
  const events: BrokerEvent[] = [];
  const seen = new Set<string>();
  for (const o of command.orders) {
    if (o.routedByUs || o.tagIsOurs || state.externalOrderIds.has(o.brokerOrderId) || seen.has(o.brokerOrderId)) continue;
    seen.add(o.brokerOrderId);
    events.push({
      type: 'ExternalBrokerOrderSeen',
      data: { broker, brokerOrderId: o.brokerOrderId, tag: o.tag, instrument: o.instrument, side: o.side, quantity: o.quantity, brokerStatus: o.brokerStatus, seenAt: at },
    });
  }
  const compared = new Set<string>();
  for (const p of command.positions) {
    for (const q of [p.brokerQuantity, p.ourQuantity]) {
      if (!Number.isSafeInteger(q)) throw new InvalidCommand('INVALID_QUANTITY', `position quantities must be whole numbers, got ${q} for ${p.instrument}`);
    }
    const key = keyOf(tradingDay, p.instrument);
    compared.add(key);
    const open = state.discrepancies.get(key);
    if (p.brokerQuantity === p.ourQuantity) {
      if (open) events.push({ type: 'PositionDiscrepancyCleared', data: { broker, tradingDay, instrument: p.instrument, quantity: p.ourQuantity, seenAt: at } });
      continue;
    }
    if (open && open.brokerQuantity === p.brokerQuantity && open.ourQuantity === p.ourQuantity) continue;
    events.push({ type: 'PositionDiscrepancyFound', data: { broker, tradingDay, instrument: p.instrument, brokerQuantity: p.brokerQuantity, ourQuantity: p.ourQuantity, seenAt: at } });
  }
  for (const [key, open] of state.discrepancies) {
    if (compared.has(key)) continue;
    // Flat on both sides now, or a trading day that is over (day positions start again from nothing).
    events.push({ type: 'PositionDiscrepancyCleared', data: { broker, tradingDay: open.tradingDay, instrument: open.instrument, quantity: 0, seenAt: at } });
  }
  return events;
}

/** The trading day a fill counts in when day positions are compared. */
export function reconciliationDayOf(occurredAt: IsoInstant): IstDate {
  return istTradingDay(occurredAt);
}
