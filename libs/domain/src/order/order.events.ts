import type { IsoInstant, OrderType, Paise, Product, Side, Validity } from '../common/types';

/** Reason codes of a pre-trade risk rejection, stable and documented in README. */
export type RiskReasonCode =
  | 'MARKET_CLOSED'
  | 'MARKET_CLOSED_WEEKEND'
  | 'MARKET_CLOSED_HOLIDAY'
  | 'MIS_CUTOFF_PASSED'
  | 'LOT_SIZE_MISMATCH'
  | 'PRICE_NOT_ON_TICK'
  | 'ORDER_VALUE_LIMIT'
  | 'POSITION_LIMIT'
  | 'INSUFFICIENT_FUNDS'
  | 'INSUFFICIENT_HOLDINGS'
  | 'DAILY_LOSS_LIMIT'
  | 'TRADING_HALTED'
  | 'INSTRUMENT_EXPIRED'
  | 'PRODUCT_NOT_ALLOWED';

/** Where a live broker's execution was found: the broker, its order id, and the channel that brought the trade. */
export interface FillSource {
  broker: string;
  brokerOrderId: string;
  channel: string;
}

/**
 * A fill carries the order's instrument, side, product and strategy (copied from the order by the decider) so that
 * a consumer attributing fills, such as a strategy's performance projection (a pure function of document and event),
 * needs no lookup of the order. Fills recorded before these fields existed do not have them; readers must not assume them.
 */
export interface OrderFillData {
  orderId: string;
  accountId: string;
  instrument: string;
  side: Side;
  product: Product;
  strategyId: string | null;
  fillId: string;
  quantity: number;
  pricePaise: Paise;
  feesPaise: Paise;
  /** Cumulative filled quantity after this fill. */
  filledQuantity: number;
  /** Quantity still open after this fill. */
  remainingQuantity: number;
  occurredAt: IsoInstant;
  /** A live broker's execution: where it was found (the reconciler's catch-up, the ticker, a postback). */
  foundBy?: FillSource;
}

/**
 * Every order event carries the account it belongs to (copied from OrderPlaced by the decider), so that a
 * consumer reading one event alone (the audit trail's per-account view, for one) can tell whose it is without
 * loading the order stream. Events recorded before this field existed do not have it; readers must not assume it.
 */
export type OrderEvent =
  | {
      type: 'OrderPlaced';
      data: {
        orderId: string;
        accountId: string;
        instrument: string;
        side: Side;
        quantity: number;
        orderType: OrderType;
        limitPricePaise: Paise | null;
        triggerPricePaise: Paise | null;
        product: Product;
        validity: Validity;
        strategyId: string | null;
        clientOrderId: string | null;
        placedAt: IsoInstant;
      };
    }
  /** Passed every pre-trade check; reservedPaise of buying power is held on the account for it. */
  | { type: 'OrderAccepted'; data: { orderId: string; accountId: string; reservedPaise: Paise } }
  | { type: 'OrderRejected'; data: { orderId: string; accountId: string; reasonCode: RiskReasonCode; reason: string } }
  /** A stop order's trigger was hit; it is now an open MARKET (SL-M) or LIMIT (SL) order. */
  | { type: 'OrderTriggered'; data: { orderId: string; accountId: string; lastPricePaise: Paise; triggeredAt: IsoInstant } }
  | {
      type: 'OrderModified';
      data: {
        orderId: string;
        accountId: string;
        quantity: number;
        limitPricePaise: Paise | null;
        triggerPricePaise: Paise | null;
        reservedPaise: Paise;
      };
    }
  | { type: 'OrderPartiallyFilled'; data: OrderFillData }
  | { type: 'OrderFilled'; data: OrderFillData }
  | { type: 'OrderCancelled'; data: { orderId: string; accountId: string; reason: string; cancelledQuantity: number } }
  | { type: 'OrderExpired'; data: { orderId: string; accountId: string; reason: string; expiredQuantity: number } }
  /** Handed to a live broker, which answered its own id for the order (a 200 only means accepted there). */
  | { type: 'OrderRouted'; data: { orderId: string; accountId: string; broker: string; brokerOrderId: string } }
  /**
   * A live broker's report of a change of the order, as it reported it: its status (Kite's, e.g. `OPEN`,
   * `COMPLETE`, `REJECTED`), its message (the reason of a rejection), the quantity it says is filled and the average
   * price. Executions are recorded by their own fills; this is the broker's view, kept for audit and reconciliation.
   */
  | {
      type: 'BrokerOrderUpdated';
      data: {
        orderId: string;
        accountId: string;
        brokerOrderId: string;
        brokerStatus: string;
        message: string | null;
        filledQuantity: number;
        averagePricePaise: Paise;
        reportedAt: IsoInstant;
        channel: string;
      };
    };

export type OrderEventType = OrderEvent['type'];
