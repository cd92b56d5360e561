import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { READ_MODEL_STORE, DocumentReader, LAST_PRICES_COLLECTION } from '@robo/read-models';
import { ExistingOrder } from '@robo/domain';
import { OpenQuantities, WorkingOrdersIndex } from './working-orders.index';

/**
 * Facts the pre-trade check needs besides the account and position streams. Working orders come from the log
 * itself (up to its head when the check runs); the last traded price from the read side, which may trail the log by
 * a few milliseconds.
 */
@Injectable()
export class MarketContextService implements OnApplicationBootstrap {
  private readonly logger = new Logger(MarketContextService.name);
  private readonly working: WorkingOrdersIndex;

  constructor(
    @Inject(READ_MODEL_STORE) private readonly reads: DocumentReader,
    @Inject(EVENT_STORE) store: EventStore,
  ) {
    this.working = new WorkingOrdersIndex(store);
  }

  /** Folds the log's orders at start, so that the first order after a restart does not wait for a long log. */
  onApplicationBootstrap(): void {
    // A failure here is not fatal: the next order's check reads again from where the fold stopped.
    this.working.sync().catch((error: unknown) => this.logger.warn({ err: error }, 'could not fold the working orders at start'));
  }

  /** Open quantity per side of the account's working orders in the instrument (up to the log's head). */
  async openQuantities(accountId: string, instrument: string, excludeOrderId?: string): Promise<OpenQuantities> {
    await this.working.sync();
    return this.working.openQuantities(accountId, instrument, excludeOrderId);
  }

  /** The account's working orders in the instrument, oldest first (up to the log's head). */
  async workingOrders(accountId: string, instrument: string): Promise<ExistingOrder[]> {
    await this.working.sync();
    return this.working.workingOrders(accountId, instrument);
  }

  async lastPrice(instrument: string): Promise<number | null> {
    const doc = await LAST_PRICES_COLLECTION.get(this.reads, instrument);
    return doc ? doc.pricePaise : null;
  }
}
