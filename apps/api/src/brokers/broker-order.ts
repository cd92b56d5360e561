import type { ExistingOrder } from '@robo/domain';
import type { BrokerOrder } from '@robo/paper';

/** What a broker adapter is given of one of our orders (an order that exists: status not NONE). */
export function brokerOrderOf(orderId: string, accountId: string, order: ExistingOrder): BrokerOrder {
  return {
    orderId,
    accountId,
    instrument: order.instrument,
    side: order.side,
    quantity: order.quantity,
    orderType: order.orderType,
    limitPricePaise: order.limitPricePaise,
    triggerPricePaise: order.triggerPricePaise,
    product: order.product,
    validity: order.validity,
    placedAt: order.placedAt,
  };
}
