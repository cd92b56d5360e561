import { systemWallClock } from '@robo/clock';
import type { Connect, Order, Trade } from 'kiteconnect';
import type { IsoInstant, Paise } from '@robo/domain';
import type { BrokerOrder, ExecutionReport, ReportChannel } from '@robo/paper';
import { kiteCall } from './kite-errors';
import { kiteTagOf, kiteTimeToInstant, rupeesToPaise } from './kite-params';

/** The fields of a Kite order the adapter reads (REST, ticker frames and postbacks all carry them). */
export type KiteOrderUpdate = Pick<Order, 'order_id' | 'status' | 'filled_quantity' | 'average_price' | 'status_message' | 'tag' | 'trigger_price'> & {
  order_timestamp: string | Date;
  exchange_update_timestamp?: string | Date | null;
  pending_quantity?: number;
  quantity?: number;
};

export interface KiteBrokerLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** What the adapter knows of one of our orders at Kite. */
export interface Routed {
  order: BrokerOrder;
  tag: string;
  brokerOrderId: string | null;
  lastStatus: string | null;
  /** Quantity of the trades reported. */
  lastFilled: number;
  /** Filled quantity of the last status reported. */
  lastReportedFilled: number;
  fillIds: Set<string>;
  cancelRequested: boolean;
  triggered: boolean;
}

const FINAL_STATUSES: ReadonlySet<string> = new Set(['COMPLETE', 'CANCELLED', 'REJECTED']);

/**
 * Our orders at Kite and what their updates mean as reports, whichever channel brings them (ticker frames,
 * postbacks, the REST polls): a BROKER_STATUS for each change, a FILL for each Kite trade (its trade id as the fill
 * id, reported once however often it arrives, before the status that shows it), TRIGGERED when a stop order leaves
 * TRIGGER PENDING. Updates are applied one at a time, in the order they arrived.
 */
export class KiteOrderReports {
  private readonly listeners = new Set<(report: ExecutionReport) => void | Promise<void>>();
  private readonly byOrderId = new Map<string, Routed>();
  private readonly byBrokerId = new Map<string, Routed>();
  private readonly byTag = new Map<string, Routed>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly kc: Connect,
    private readonly logger: KiteBrokerLogger,
    private readonly now?: () => IsoInstant,
  ) {}

  onExecution(listener: (report: ExecutionReport) => void | Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  known(orderId: string): Routed | undefined {
    return this.byOrderId.get(orderId);
  }

  ofBrokerId(brokerOrderId: string): Routed | undefined {
    return this.byBrokerId.get(brokerOrderId);
  }

  track(order: BrokerOrder): Routed {
    const existing = this.byOrderId.get(order.orderId);
    if (existing) return existing;
    const routed: Routed = { order, tag: kiteTagOf(order.orderId), brokerOrderId: null, lastStatus: null, lastFilled: 0, lastReportedFilled: 0, fillIds: new Set(), cancelRequested: false, triggered: false };
    this.byOrderId.set(order.orderId, routed);
    this.byTag.set(routed.tag, routed);
    return routed;
  }

  untrack(routed: Routed): void {
    this.byOrderId.delete(routed.order.orderId);
    this.byTag.delete(routed.tag);
  }

  bind(routed: Routed, brokerOrderId: string): void {
    routed.brokerOrderId = brokerOrderId;
    this.byBrokerId.set(brokerOrderId, routed);
  }

  /** Ours by Kite id, or by tag (an update that arrives before placeOrder answered, or after a crash). */
  routedOf(update: Pick<KiteOrderUpdate, 'order_id' | 'tag'>): Routed | undefined {
    const byId = this.byBrokerId.get(update.order_id);
    if (byId) return byId;
    const byTag = update.tag ? this.byTag.get(update.tag) : undefined;
    if (byTag && !byTag.brokerOrderId) this.bind(byTag, update.order_id);
    return byTag;
  }

  /** An update of any order: reported when it is one of ours. */
  async applyUpdate(update: KiteOrderUpdate, channel: ReportChannel): Promise<void> {
    const routed = this.routedOf(update);
    if (routed) await this.apply(routed, update, channel);
  }

  /**
   * One update of one of our orders, in the order it arrived: a status report when the status or the filled
   * quantity changed, the trades behind a filled quantity that grew, and what the final status means.
   */
  async apply(routed: Routed, update: KiteOrderUpdate, channel: ReportChannel): Promise<void> {
    const { order } = routed;
    const status = update.status === 'UPDATE' ? 'OPEN' : update.status;
    const filled = update.filled_quantity ?? 0;
    const at = kiteTimeToInstant(update.exchange_update_timestamp ?? null) ?? kiteTimeToInstant(update.order_timestamp) ?? this.nowIso();
    // The trades behind a grown filled quantity come first: what a final status means is decided on the fills.
    if (filled > routed.lastFilled) {
      const trades = await kiteCall(() => this.kc.getOrderTrades(update.order_id));
      for (const t of trades) await this.reportTrade(routed, t, channel);
    }
    const stale = filled < routed.lastReportedFilled || (routed.lastStatus !== null && FINAL_STATUSES.has(routed.lastStatus) && !FINAL_STATUSES.has(status));
    if (!stale && (status !== routed.lastStatus || filled > routed.lastReportedFilled)) {
      const previous = routed.lastStatus;
      routed.lastStatus = status;
      routed.lastReportedFilled = filled;
      if (!routed.triggered && (order.orderType === 'SL' || order.orderType === 'SL-M') && previous === 'TRIGGER PENDING' && status !== 'TRIGGER PENDING') {
        routed.triggered = true;
        await this.emit({ type: 'TRIGGERED', orderId: order.orderId, accountId: order.accountId, lastPricePaise: (order.triggerPricePaise ?? 0) as Paise, occurredAt: this.notBeforePlacement(routed, at) });
      }
      // What the status means for the order (a rejection or an exchange cancel ends it) is the domain's decision.
      await this.emit({
        type: 'BROKER_STATUS',
        orderId: order.orderId,
        accountId: order.accountId,
        brokerOrderId: update.order_id,
        status,
        message: update.status_message ?? null,
        filledQuantity: filled,
        averagePricePaise: rupeesToPaise(update.average_price ?? 0),
        occurredAt: this.notBeforePlacement(routed, at),
        channel,
      });
    }
  }

  async reportTrade(routed: Routed, trade: Trade, channel: ReportChannel): Promise<void> {
    const fillId = String(trade.trade_id);
    if (routed.fillIds.has(fillId)) return;
    routed.fillIds.add(fillId);
    routed.lastFilled += trade.quantity;
    const at = kiteTimeToInstant(trade.fill_timestamp) ?? kiteTimeToInstant(trade.exchange_timestamp) ?? this.nowIso();
    await this.emit({
      type: 'FILL',
      orderId: routed.order.orderId,
      accountId: routed.order.accountId,
      fillId,
      brokerOrderId: trade.order_id,
      quantity: trade.quantity,
      pricePaise: rupeesToPaise(trade.average_price),
      occurredAt: this.notBeforePlacement(routed, at),
      channel,
    });
  }

  /** Runs after every update received so far (one at a time); a failure is logged, the queue goes on. */
  enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work, work);
    this.queue = next.catch((error) => this.logger.warn({ err: error }, 'order update not reported'));
    return next;
  }

  /** Resolves once every update received so far has been reported. */
  async idle(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.queue;
      await seen;
    } while (seen !== this.queue);
  }

  /**
   * Kite's timestamps are whole seconds: an execution in the second the order was placed in reads as before it.
   * Within that second it is dated at the placement; anything earlier is left as Kite said (and refused downstream).
   */
  private notBeforePlacement(routed: Routed, at: IsoInstant): IsoInstant {
    const placed = Date.parse(routed.order.placedAt);
    const t = Date.parse(at);
    return t < placed && placed - t < 1000 ? routed.order.placedAt : at;
  }

  private nowIso(): IsoInstant {
    return this.now ? this.now() : systemWallClock.now();
  }

  private async emit(report: ExecutionReport): Promise<void> {
    for (const listener of [...this.listeners]) await listener(report);
  }
}
