import { InstrumentCatalog, isFinal, type IsoInstant, type MarketCalendar, statusOnAcceptance } from '@robo/domain';
import type { Quote } from '@robo/market-data';
import { applyMatch } from './apply-match';
import type { Broker, BrokerAck, BrokerOrder, ExecutionReport } from './broker.port';
import { matchOrder, type MatchableOrder, type MatchOptions } from './match-order';

export interface PaperBrokerOptions {
  slippageBps: number;
  maxFillFractionOfVolume: number;
  catalog?: InstrumentCatalog;
  calendar?: MarketCalendar;
  chargeSchedules?: MatchOptions['chargeSchedules'];
}

/** A resting order in the paper book, with what has executed of it so far. */
export type BookEntry = MatchableOrder & { accountId: string; instrument: string };

/**
 * The paper broker: a book of working orders executed against market quotes by matchOrder. It reads no clock: the
 * owner calls match(quoteOf, now) on every market update with the session clock's time. After a restart, the owner
 * resubmits the working orders (resume() takes what has already executed, so fill ids continue where they were).
 */
export class PaperBroker implements Broker {
  private readonly book = new Map<string, BookEntry>();
  private readonly listeners = new Set<(report: ExecutionReport) => void | Promise<void>>();
  private readonly catalog: InstrumentCatalog;

  constructor(private readonly options: PaperBrokerOptions) {
    this.catalog = options.catalog ?? new InstrumentCatalog();
  }

  async submit(order: BrokerOrder): Promise<BrokerAck> {
    if (this.book.has(order.orderId)) return { brokerOrderId: order.orderId };
    if (order.validity === 'TTL') throw new Error(`order ${order.orderId}: the paper broker has no TTL validity`);
    const status = statusOnAcceptance(order.orderType);
    this.book.set(order.orderId, { ...order, validity: order.validity, status, filledQuantity: 0, fillIds: [], filledValuePaise: 0, feesPaise: 0 });
    return { brokerOrderId: order.orderId };
  }

  /** Puts a working order back in the book as it stands (after a restart). */
  resume(entry: BookEntry): void {
    if (!isFinal(entry.status)) this.book.set(entry.orderId, { ...entry, fillIds: [...entry.fillIds] });
  }

  async cancel(orderId: string): Promise<void> {
    this.book.delete(orderId);
  }

  onExecution(listener: (report: ExecutionReport) => void | Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Working orders, in submission order. */
  working(): BookEntry[] {
    return [...this.book.values()].map((e) => ({ ...e, fillIds: [...e.fillIds] }));
  }

  /**
   * Matches every working order against its instrument's quote at `now`, delivers the reports in order (each
   * listener awaited) and returns them. Orders that became final leave the book.
   */
  async match(quoteOf: (symbol: string) => Quote | null, now: IsoInstant): Promise<ExecutionReport[]> {
    const reports: ExecutionReport[] = [];
    for (const entry of [...this.book.values()]) {
      const instrument = this.catalog.get(entry.instrument);
      if (!instrument) continue; // unknown to the catalog: the risk check would not have accepted it
      const result = matchOrder(entry, quoteOf(entry.instrument), { ...this.options, now, instrument });
      const { orderId, accountId } = entry;
      if (result.trigger) reports.push({ type: 'TRIGGERED', orderId, accountId, lastPricePaise: result.trigger.lastPricePaise, occurredAt: result.trigger.at });
      for (const f of result.fills) reports.push({ type: 'FILL', orderId, accountId, ...f });
      if (result.expire) reports.push({ type: 'EXPIRED', orderId, accountId, reason: result.expire.reason, occurredAt: now });
      const next = applyMatch(entry, result);
      if (isFinal(next.status)) this.book.delete(orderId);
      else this.book.set(orderId, next);
    }
    for (const report of reports) for (const listener of [...this.listeners]) await listener(report);
    return reports;
  }
}
