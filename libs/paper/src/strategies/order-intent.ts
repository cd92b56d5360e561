import type { OrderType, Paise, Product, Side, Validity } from '@robo/domain';

/**
 * An order a strategy (or the broker's square-off) wants placed, as a plain value. The runner turns it into the
 * ordinary PlaceOrder command, so it passes the same risk checks and lands in the log like any other order.
 * `clientOrderId` is deterministic, so placing the same intent twice is refused as a duplicate, not doubled.
 */
export interface OrderIntent {
  kind: 'PLACE';
  clientOrderId: string;
  accountId: string;
  instrument: string;
  side: Side;
  quantity: number;
  orderType: OrderType;
  limitPricePaise: Paise | null;
  triggerPricePaise: Paise | null;
  product: Product;
  validity: Validity;
  /** null for orders no strategy placed (the MIS square-off). */
  strategyId: string | null;
  /** The multi-leg basket (straddle, spread, ...) the order is a leg of. */
  legGroupId?: string;
  /** Why: the signal in words, for logs and the audit trail. */
  reason: string;
}

/** Cancel an order the same strategy placed earlier, found by its client order id. */
export interface CancelIntent {
  kind: 'CANCEL';
  clientOrderId: string;
  accountId: string;
  strategyId: string | null;
  reason: string;
}

export type StrategyIntent = OrderIntent | CancelIntent;
