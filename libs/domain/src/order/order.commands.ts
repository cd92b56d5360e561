import type { IsoInstant, OrderType, Paise, Product, Side, Validity } from '../common/types';
import type { FillSource } from './order.events';
import type { Instrument } from '../instruments/instrument';
import type { MarketCalendar } from '../market/calendar';
import type { ChargeSchedule } from '../charges/charge-schedule';
import type { AccountState } from '../account/account.state';
import type { PositionState } from '../position/position.state';

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

/** An execution report as a broker sends it. */
export interface FillReport {
  orderId: string;
  fillId: string;
  quantity: number;
  pricePaise: Paise;
  /** Charges the broker reported; computed from the charge schedule (fillChargesPaise) when omitted. */
  feesPaise?: Paise;
  /** Business time of the execution. */
  occurredAt: IsoInstant;
  /** Set by the broker for a trade reported after its session (a late trade report): the session check is skipped. */
  late?: boolean;
  /** Where a live broker's execution was found (recorded with the fill). */
  foundBy?: FillSource;
}

/**
 * Everything a fill will change or depends on outside the order stream, gathered by the handler so the decision can
 * check all of it before anything is appended: the position and the account the settlement will move, the
 * instrument (segment, tick), the exchange calendar, the charge schedules, and the clock.
 */
export interface FillContext {
  now: IsoInstant;
  /** How far after `now` a fill's business time may be (broker and exchange clocks are not ours), in ms. */
  clockSkewMs: number;
  instrument: Instrument;
  calendar: MarketCalendar;
  chargeSchedules: readonly ChargeSchedule[];
  position: PositionState;
  account: AccountState;
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
  | { type: 'ReportFill'; data: FillReport; context: FillContext }
  | { type: 'CancelOrder'; data: { orderId: string; reason: string } }
  | { type: 'ExpireOrder'; data: { orderId: string; reason: string } }
  | { type: 'RecordRouting'; data: { orderId: string; broker: string; brokerOrderId: string } }
  | { type: 'RecordBrokerUpdate'; data: BrokerUpdateReport };

/** A live broker's report of an order's status (see BrokerOrderUpdated). */
export interface BrokerUpdateReport {
  orderId: string;
  brokerOrderId: string;
  brokerStatus: string;
  message: string | null;
  filledQuantity: number;
  averagePricePaise: Paise;
  reportedAt: IsoInstant;
  channel: string;
}
