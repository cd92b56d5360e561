import { Inject, Injectable } from '@nestjs/common';
import { READ_MODEL_STORE, ReadModelStore } from '@robo/read-models';

const WORKING = ['PLACED', 'ACCEPTED', 'OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED'];

interface OrderDocLike {
  side: 'BUY' | 'SELL';
  remainingQuantity: number;
  orderId: string;
}

/**
 * Facts the pre-trade check reads from the read side: other working orders and the last traded price.
 * They may trail the log by a few milliseconds; buying power itself is checked on the account stream.
 */
@Injectable()
export class MarketContextService {
  constructor(@Inject(READ_MODEL_STORE) private readonly reads: ReadModelStore) {}

  /** Signed remaining quantity of the account's working orders in the instrument (buys +, sells -). */
  async openOrdersQuantity(accountId: string, instrument: string, excludeOrderId?: string): Promise<number> {
    let total = 0;
    let cursor: string | null = null;
    do {
      const page: { items: OrderDocLike[]; nextCursor: string | null } = await this.reads.find<OrderDocLike>('orders', {
        where: { accountId, instrument, status: { in: WORKING } },
        orderBy: { field: 'seq', direction: 'asc' },
        limit: 1000,
        cursor,
      });
      for (const order of page.items) {
        if (order.orderId === excludeOrderId) continue;
        total += order.side === 'BUY' ? order.remainingQuantity : -order.remainingQuantity;
      }
      cursor = page.nextCursor;
    } while (cursor !== null);
    return total;
  }

  async lastPrice(instrument: string): Promise<number | null> {
    const doc = await this.reads.get<{ pricePaise: number }>('last_prices', instrument);
    return doc ? doc.pricePaise : null;
  }
}
