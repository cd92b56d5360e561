import { evolveOrder, ExistingOrder, initialOrderState, isFinal, OrderEvent, OrderState, remainingQuantity } from '@robo/domain';
import { catchUpFiltered, type EventEnvelope, type EventStore, type LogCursor } from '@robo/event-store';

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

/** Open quantity of the account's working orders in one instrument, per side (both >= 0). */
export interface OpenQuantities {
  buy: number;
  sell: number;
}

const openOf = (order: OrderState): OpenQuantities =>
  order.status === 'NONE' ? { buy: 0, sell: 0 } : order.side === 'BUY' ? { buy: remainingQuantity(order), sell: 0 } : { buy: 0, sell: remainingQuantity(order) };

/**
 * The working orders of every account, folded from the order streams of the log in global order. Pre-trade risk
 * needs the open quantity per account, instrument and side on every order; summing it here costs O(1) per
 * command, where a read-model query grows with the number of open orders (and trails the log).
 * `sync()` brings it up to the log's head as of the call: every order appended before (by any process) counts.
 */
export class WorkingOrdersIndex {
  private readonly cursor: LogCursor = { position: 0n };
  private readonly orders = new Map<string, ExistingOrder>();
  private readonly totals = new Map<string, OpenQuantities>();
  /** Working order ids per account and instrument, in the order they were placed. */
  private readonly byKey = new Map<string, Set<string>>();
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

  /** Open quantity per side of the account's working orders in the instrument, without `excludeOrderId`. */
  openQuantities(accountId: string, instrument: string, excludeOrderId?: string): OpenQuantities {
    const total = this.totals.get(key(accountId, instrument)) ?? { buy: 0, sell: 0 };
    const excluded = excludeOrderId === undefined ? undefined : this.orders.get(excludeOrderId);
    if (!excluded || excluded.accountId !== accountId || excluded.instrument !== instrument) return { ...total };
    const own = openOf(excluded);
    return { buy: total.buy - own.buy, sell: total.sell - own.sell };
  }

  /** The account's working orders in the instrument, in the order they were placed. */
  workingOrders(accountId: string, instrument: string): ExistingOrder[] {
    const ids = this.byKey.get(key(accountId, instrument));
    return ids ? [...ids].map((id) => this.orders.get(id)).filter((o): o is ExistingOrder => o !== undefined) : [];
  }

  private async catchUp(): Promise<void> {
    await catchUpFiltered(this.store, this.cursor, { streamPrefixes: ['order-'] }, PAGE, (event) => this.apply(event));
  }

  private apply(event: EventEnvelope): void {
    const orderId = (event.data as { orderId?: unknown } | null)?.orderId;
    if (typeof orderId !== 'string' || !ORDER_EVENTS.has(event.type)) return;
    const before: OrderState = this.orders.get(orderId) ?? initialOrderState;
    // Final orders are forgotten: nothing can reopen them, and an event of one is a no-op for the totals.
    if (before.status === 'NONE' && event.type !== 'OrderPlaced') return;
    const after = evolveOrder(before, { type: event.type, data: event.data } as OrderEvent);
    if (after.status === 'NONE') return;
    const k = key(after.accountId, after.instrument);
    const [was, now] = [openOf(before), openOf(after)];
    if (was.buy !== now.buy || was.sell !== now.sell) {
      const total = this.totals.get(k) ?? { buy: 0, sell: 0 };
      const next = { buy: total.buy + now.buy - was.buy, sell: total.sell + now.sell - was.sell };
      if (next.buy === 0 && next.sell === 0) this.totals.delete(k);
      else this.totals.set(k, next);
    }
    if (isFinal(after.status)) {
      this.orders.delete(orderId);
      const ids = this.byKey.get(k);
      ids?.delete(orderId);
      if (ids?.size === 0) this.byKey.delete(k);
    } else {
      this.orders.set(orderId, after);
      let ids = this.byKey.get(k);
      if (!ids) this.byKey.set(k, (ids = new Set()));
      ids.add(orderId);
    }
  }
}

function key(accountId: string, instrument: string): string {
  return `${accountId}|${instrument}`;
}
