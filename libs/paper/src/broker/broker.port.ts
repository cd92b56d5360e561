import type { FillReport, IsoInstant, OrderCommand, OrderType, Paise, Product, Side, Validity } from '@robo/domain';

/** An accepted order handed to a broker for execution. */
export interface BrokerOrder {
  orderId: string;
  accountId: string;
  instrument: string;
  side: Side;
  quantity: number;
  orderType: OrderType;
  limitPricePaise: Paise | null;
  triggerPricePaise: Paise | null;
  product: Product;
  /** TTL (a broker's own validity, in minutes: `validityTtlMinutes`) is routed by live brokers only. */
  validity: Validity | 'TTL';
  validityTtlMinutes?: number;
  placedAt: IsoInstant;
}

/** What a modification changes (only the fields given). */
export interface BrokerOrderChanges {
  quantity?: number;
  orderType?: OrderType;
  limitPricePaise?: Paise | null;
  triggerPricePaise?: Paise | null;
}

/** The broker's answer to a submit: its own id for the order (the paper broker uses ours). */
export interface BrokerAck {
  brokerOrderId: string;
}

/** Where a live broker's report came from (a paper broker's reports come from its own matching). */
export type ReportChannel = 'paper' | 'socket' | 'postback' | 'poll' | 'reconciler';

/**
 * What a broker reports back. Execution reports map to one order command each (toOrderCommand), exactly what a
 * real broker's execution report becomes, so paper and live trading share the command path. A fill's fees are
 * absent when the broker does not report them (the charge schedule then decides them). BROKER_STATUS is a live
 * broker's status change of the order as it reported it (with its message); it is recorded on the order stream,
 * not an order command by itself.
 */
export type ExecutionReport =
  | { type: 'TRIGGERED'; orderId: string; accountId: string; lastPricePaise: Paise; occurredAt: IsoInstant }
  | { type: 'FILL'; orderId: string; accountId: string; fillId: string; quantity: number; pricePaise: Paise; feesPaise?: Paise; occurredAt: IsoInstant; channel?: ReportChannel; brokerOrderId?: string }
  | { type: 'EXPIRED'; orderId: string; accountId: string; reason: string; occurredAt: IsoInstant }
  | {
      type: 'BROKER_STATUS';
      orderId: string;
      accountId: string;
      brokerOrderId: string;
      status: string;
      message: string | null;
      filledQuantity: number;
      averagePricePaise: Paise;
      occurredAt: IsoInstant;
      channel: ReportChannel;
    };

/**
 * The broker port: the paper broker implements it; a real broker adapter (an exchange gateway or a retail broker's
 * API) can take its place. Cancelling is fire-and-forget here because the cancel itself is recorded by the
 * CancelOrder command; the broker only has to stop executing the order.
 */
export interface Broker {
  submit(order: BrokerOrder): Promise<BrokerAck>;
  /** Changes a working order at the broker (a live broker; the paper broker re-reads the order stream instead). */
  modify?(orderId: string, changes: BrokerOrderChanges): Promise<void>;
  cancel(orderId: string): Promise<void>;
  /** Listeners run in report order; a listener's promise is awaited before the next report is delivered. */
  onExecution(listener: (report: ExecutionReport) => void | Promise<void>): () => void;
}

/** Nest injection token for the port (a plain symbol: this library stays framework-free). */
export const BROKER = Symbol('BROKER');

/**
 * The order command that records an execution report. A fill is a FillReport: the command handler adds the context
 * it is decided in (position, account, instrument, calendar, charge schedules, clock).
 */
export type BrokerCommand = Exclude<OrderCommand, { type: 'ReportFill' }> | { type: 'ReportFill'; data: FillReport };

export function toOrderCommand(report: ExecutionReport): BrokerCommand | null {
  switch (report.type) {
    case 'TRIGGERED':
      return { type: 'TriggerOrder', data: { orderId: report.orderId, lastPricePaise: report.lastPricePaise, now: report.occurredAt } };
    case 'FILL': {
      const { orderId, fillId, quantity, pricePaise, feesPaise, occurredAt } = report;
      return { type: 'ReportFill', data: { orderId, fillId, quantity, pricePaise, feesPaise, occurredAt } };
    }
    case 'EXPIRED':
      return { type: 'ExpireOrder', data: { orderId: report.orderId, reason: report.reason } };
    case 'BROKER_STATUS':
      return null;
    default: {
      const unknown: never = report;
      throw new Error(`unknown execution report ${JSON.stringify(unknown)}`);
    }
  }
}
