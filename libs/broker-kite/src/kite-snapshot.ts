import type { Connect } from 'kiteconnect';
import type { Side } from '@robo/domain';
import { instrumentOfKite } from './kite-params';

/** One order as Kite lists it in `GET /orders` (the day's orders, whoever placed them). */
export interface KiteListedOrder {
  brokerOrderId: string;
  tag: string | null;
  tags: readonly string[];
  instrument: string;
  side: Side;
  quantity: number;
  status: string;
}

/** What Kite shows at one moment, for a reconciliation pass: the day's orders and the day's net quantity per instrument. */
export interface KiteSnapshot {
  orders: KiteListedOrder[];
  /** `GET /portfolio/positions` `day`: net quantity of the day (buys less sells) per instrument, summed over products. */
  dayPositions: Map<string, number>;
}

/** With `positions: false` only the orders are read (the day positions come back empty). */
export async function readKiteSnapshot(kc: Connect, read: { positions: boolean } = { positions: true }): Promise<KiteSnapshot> {
  const orders = await kc.getOrders();
  const dayPositions = new Map<string, number>();
  for (const p of read.positions ? (await kc.getPositions()).day : []) {
    const instrument = instrumentOfKite(p.exchange, p.tradingsymbol);
    dayPositions.set(instrument, (dayPositions.get(instrument) ?? 0) + p.quantity);
  }
  return {
    orders: orders.map((o) => ({
      brokerOrderId: o.order_id,
      tag: o.tag ?? null,
      tags: o.tags ?? (o.tag ? [o.tag] : []),
      instrument: instrumentOfKite(o.exchange, o.tradingsymbol),
      side: o.transaction_type === 'SELL' ? 'SELL' : 'BUY',
      quantity: o.quantity,
      status: o.status,
    })),
    dayPositions,
  };
}
