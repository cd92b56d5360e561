import { reconciliationDayOf, type OrderFillData } from '@robo/domain';
import { catchUpFiltered, type EventEnvelope, type EventStore, type LogCursor } from '@robo/event-store';
import { kiteTagOf } from '@robo/broker-kite';

const PAGE = 5000;
const TYPES = ['BrokerChosen', 'OrderPlaced', 'OrderRouted', 'OrderPartiallyFilled', 'OrderFilled'];

/**
 * What the log knows of the orders that went to Kite, folded in global order up to the head (`sync()`): the Kite
 * order ids recorded as routed, the tags of the orders placed by kite accounts (a routing not yet recorded is still
 * ours, and which order it is), and the day's net quantity per instrument of their fills, which Kite's day positions must show.
 */
export class KiteLedger {
  private readonly cursor: LogCursor = { position: 0n };
  private readonly kiteAccounts = new Set<string>();
  private readonly kiteOrders = new Set<string>();
  /** Our order id by its Kite tag. */
  private readonly tags = new Map<string, string>();
  private readonly routed = new Set<string>();
  private readonly dayNet = new Map<string, Map<string, number>>();
  private running: Promise<void> | null = null;

  constructor(private readonly store: EventStore) {}

  /** Folds every event appended before the call. */
  async sync(): Promise<void> {
    while (this.running) await this.running;
    this.running = this.catchUp().finally(() => (this.running = null));
    await this.running;
  }

  routedByUs(brokerOrderId: string): boolean {
    return this.routed.has(brokerOrderId);
  }

  tagIsOurs(tags: readonly string[]): boolean {
    return tags.some((t) => this.tags.has(t));
  }

  /** Our order a Kite tag belongs to (an order of a kite account), if any. */
  orderOfTags(tags: readonly string[]): string | null {
    for (const t of tags) {
      const orderId = this.tags.get(t);
      if (orderId) return orderId;
    }
    return null;
  }

  /** Net quantity (buys less sells) per instrument of the fills of Kite orders on this trading day. */
  netOfDay(tradingDay: string): ReadonlyMap<string, number> {
    return this.dayNet.get(tradingDay) ?? new Map();
  }

  private catchUp(): Promise<void> {
    return catchUpFiltered(this.store, this.cursor, { eventTypes: TYPES }, PAGE, (e) => this.apply(e));
  }

  private apply(e: EventEnvelope): void {
    const data = e.data as Record<string, unknown>;
    switch (e.type) {
      case 'BrokerChosen':
        if (data.broker === 'kite') this.kiteAccounts.add(String(data.accountId));
        else this.kiteAccounts.delete(String(data.accountId));
        return;
      case 'OrderPlaced':
        if (this.kiteAccounts.has(String(data.accountId))) {
          this.kiteOrders.add(String(data.orderId));
          this.tags.set(kiteTagOf(String(data.orderId)), String(data.orderId));
        }
        return;
      case 'OrderRouted':
        if (data.broker === 'kite') this.routed.add(String(data.brokerOrderId));
        return;
      default: {
        const fill = data as unknown as OrderFillData;
        if (!this.kiteOrders.has(fill.orderId)) return;
        const day = reconciliationDayOf(fill.occurredAt);
        const net = this.dayNet.get(day) ?? new Map<string, number>();
        net.set(fill.instrument, (net.get(fill.instrument) ?? 0) + (fill.side === 'BUY' ? fill.quantity : -fill.quantity));
        this.dayNet.set(day, net);
      }
    }
  }
}
