import type { IsoInstant, OrderType, Paise, Product, Side, Validity } from '../common/types';
import type { Instrument } from '../instruments/instrument';
import type { MarketCalendar } from '../market/calendar';

/**
 * Everything the pre-trade risk check needs that lives outside the order stream,
 * gathered by the command handler and passed in so the decision stays pure.
 */
export interface RiskContext {
  now: IsoInstant;
  instrument: Instrument;
  calendar: MarketCalendar;
  account: {
    halted: boolean;
    /** Cash minus every open order's reservation. */
    buyingPowerPaise: Paise;
    maxOrderValuePaise: Paise | null;
    maxPositionQuantity: number | null;
    dailyLossLimitPaise: Paise | null;
    /** Realized net P&L of the IST trading day of `now` (negative is a loss). */
    realizedTodayPaise: Paise;
  };
  /** Signed net quantity currently held in this instrument. */
  positionQuantity: number;
  /** Open (unfilled) quantity of this account's other working BUY orders in the instrument (>= 0). */
  openBuyQuantity: number;
  /** Open (unfilled) quantity of this account's other working SELL orders in the instrument (>= 0). */
  openSellQuantity: number;
  /** Price used to value MARKET and SL-M orders: last traded price or the instrument's reference price. */
  referencePricePaise: Paise;
}

export type OrderCommand =
  | {
      type: 'PlaceOrder';
      data: {
        orderId: string;
        accountId: string;
        instrument: string;
        side: Side;
        quantity: number;
        orderType: OrderType;
        limitPricePaise?: Paise | null;
        triggerPricePaise?: Paise | null;
        product: Product;
        validity: Validity;
        strategyId?: string | null;
        clientOrderId?: string | null;
      };
      risk: RiskContext;
    }
  | { type: 'TriggerOrder'; data: { orderId: string; lastPricePaise: Paise; now: IsoInstant } }
  | {
      type: 'ModifyOrder';
      data: { orderId: string; quantity?: number; limitPricePaise?: Paise | null; triggerPricePaise?: Paise | null };
      risk: RiskContext;
    }
  | { type: 'ReportFill'; data: { orderId: string; fillId: string; quantity: number; pricePaise: Paise; feesPaise: Paise; occurredAt: IsoInstant } }
  | { type: 'CancelOrder'; data: { orderId: string; reason: string } }
  | { type: 'ExpireOrder'; data: { orderId: string; reason: string } };
