import { evolveOrder, ExistingOrder, initialOrderState, isFinal, OrderEvent, OrderState, remainingQuantity } from '@robo/domain';
import type { EventEnvelope, EventStore } from '@robo/event-store';

const PAGE = 5000;
const ORDER_EVENTS: ReadonlySet<string> = new Set<OrderEvent['type']>([
  'OrderPlaced',
  'OrderAccepted',
  'OrderRejected',
  'OrderTriggered',
  'OrderModified',
  'OrderPartiallyFilled',
  'OrderFilled',
  'OrderCancelled',
  'OrderExpired',
]);

const signedRemaining = (order: OrderState): number =>
  order.status === 'NONE' ? 0 : order.side === 'BUY' ? remainingQuantity(order) : -remainingQuantity(order);

/**
 * The working orders of every account, folded from the order streams of the log in global order. Pre-trade risk
 * needs the signed open quantity per account and instrument on every order; summing it here costs O(1) per
 * command, where a read-model query grows with the number of open orders (and trails the log).
 * `sync()` brings it up to the log's head as of the call: every order appended before (by any process) counts.
 */
export class WorkingOrdersIndex {
  private position = 0n;
  private readonly orders = new Map<string, ExistingOrder>();
  private readonly totals = new Map<string, number>();
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(private readonly store: EventStore) {}

  /** Resolves once every event committed before the call has been applied; concurrent callers share reads. */
  sync(): Promise<void> {
    if (this.running === null) {
      this.running = this.catchUp().finally(() => (this.running = null));
      return this.running;
    }
    // A read already under way may have started before the caller's events were committed: wait for the next one.
    this.queued ??= this.running.then(
      () => ((this.queued = null), this.sync()),
      () => ((this.queued = null), this.sync()),
    );
    return this.queued;
  }

  /** Signed remaining quantity (buys +, sells -) of the account's working orders in the instrument. */
  openQuantity(accountId: string, instrument: string, excludeOrderId?: string): number {
    const total = this.totals.get(key(accountId, instrument)) ?? 0;
    const excluded = excludeOrderId === undefined ? undefined : this.orders.get(excludeOrderId);
    return excluded && excluded.accountId === accountId && excluded.instrument === instrument ? total - signedRemaining(excluded) : total;
  }

  private async catchUp(): Promise<void> {
    for (;;) {
      const page = await this.store.readAll({ after: this.position, maxCount: PAGE, filter: { streamPrefixes: ['order-'] } });
      for (const event of page) this.apply(event);
      if (page.length < PAGE) return;
    }
  }

  private apply(event: EventEnvelope): void {
    this.position = event.globalPosition;
    const orderId = (event.data as { orderId?: unknown } | null)?.orderId;
    if (typeof orderId !== 'string' || !ORDER_EVENTS.has(event.type)) return;
    const before: OrderState = this.orders.get(orderId) ?? initialOrderState;
    // Final orders are forgotten: nothing can reopen them, and an event of one is a no-op for the totals.
    if (before.status === 'NONE' && event.type !== 'OrderPlaced') return;
    const after = evolveOrder(before, { type: event.type, data: event.data } as OrderEvent);
    if (after.status === 'NONE') return;
    const delta = signedRemaining(after) - signedRemaining(before);
    if (delta !== 0) {
      const k = key(after.accountId, after.instrument);
      const total = (this.totals.get(k) ?? 0) + delta;
      if (total === 0) this.totals.delete(k);
      else this.totals.set(k, total);
    }
    if (isFinal(after.status)) this.orders.delete(orderId);
    else this.orders.set(orderId, after);
  }
}

function key(accountId: string, instrument: string): string {
  return `${accountId}|${instrument}`;
}
