import type { IsoInstant, IstDate, Paise, Side } from '../common/types';

export interface RiskLimits {
  /** Largest value (quantity x price) of a single order; null means no limit. */
  maxOrderValuePaise: Paise | null;
  /** Largest absolute net quantity per instrument; null means no limit. */
  maxPositionQuantity: number | null;
  /** New orders are refused once the IST day's realized net loss reaches this; null means no limit. */
  dailyLossLimitPaise: Paise | null;
}

export type AccountEvent =
  | { type: 'AccountOpened'; data: { accountId: string; name: string; initialCashPaise: Paise; openedAt: IsoInstant } }
  | { type: 'FundsDeposited'; data: { accountId: string; amountPaise: Paise } }
  | { type: 'FundsWithdrawn'; data: { accountId: string; amountPaise: Paise } }
  /** Buying power set aside for an open order (added to what the order already holds). */
  | { type: 'FundsReserved'; data: { accountId: string; orderId: string; amountPaise: Paise } }
  /** Part or all of an order's reservation given back (cancel, expiry, rejection, modification). */
  | { type: 'ReservationReleased'; data: { accountId: string; orderId: string; amountPaise: Paise; reason: string } }
  /**
   * Cash moved by one fill. cashDeltaPaise = -(qty x price) - fees for a buy, +(qty x price) - fees for a sell.
   * realizedPnlPaise is the net realized P&L the fill produced on the position (feeds the daily loss limit).
   * tradingDay is the IST date of the fill's business time; recordedDay the IST trading day on the clock when it was
   * settled, by which the daily loss limit counts (absent on events recorded before it existed: tradingDay then).
   */
  | {
      type: 'CashSettled';
      data: {
        accountId: string;
        orderId: string;
        fillId: string;
        instrument: string;
        side: Side;
        quantity: number;
        pricePaise: Paise;
        feesPaise: Paise;
        cashDeltaPaise: Paise;
        reservationReleasedPaise: Paise;
        realizedPnlPaise: Paise;
        tradingDay: IstDate;
        recordedDay?: IstDate;
      };
    }
  | { type: 'RiskLimitsSet'; data: { accountId: string } & RiskLimits }
  | { type: 'TradingHalted'; data: { accountId: string; reason: string } }
  | { type: 'TradingResumed'; data: { accountId: string } }
  /** Where the account's orders are executed from now on (`paper` until chosen otherwise). */
  | { type: 'BrokerChosen'; data: { accountId: string; broker: BrokerName } };

/** The brokers an account can trade through: the simulated paper broker, or Zerodha Kite Connect. */
export type BrokerName = 'paper' | 'kite';
export const BROKER_NAMES: readonly BrokerName[] = ['paper', 'kite'];

export type AccountEventType = AccountEvent['type'];
