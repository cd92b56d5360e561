import type { IsoInstant, IstDate, Paise, Side } from '../common/types';
import type { RiskLimits } from './account.events';

export type AccountCommand =
  | { type: 'OpenAccount'; data: { accountId: string; name: string; initialCashPaise: Paise; now: IsoInstant } }
  | { type: 'DepositFunds'; data: { accountId: string; amountPaise: Paise } }
  | { type: 'WithdrawFunds'; data: { accountId: string; amountPaise: Paise } }
  /** Fails with INSUFFICIENT_FUNDS unless cash minus reservations covers the amount. */
  | { type: 'ReserveFunds'; data: { accountId: string; orderId: string; amountPaise: Paise } }
  /** Releases up to amountPaise (all of the order's reservation when omitted). */
  | { type: 'ReleaseReservation'; data: { accountId: string; orderId: string; amountPaise?: Paise; reason: string } }
  | {
      type: 'SettleFill';
      data: {
        accountId: string;
        orderId: string;
        fillId: string;
        instrument: string;
        side: Side;
        quantity: number;
        pricePaise: Paise;
        feesPaise: Paise;
        /** How much of the order's reservation this fill consumes. */
        reservationToReleasePaise: Paise;
        realizedPnlPaise: Paise;
        /** IST date of the fill's business time (statements and performance attribute the fill to it). */
        tradingDay: IstDate;
        /**
         * IST trading day on the clock when the fill is settled: the daily loss limit counts realized P&L by this day,
         * whatever the fill's business date, so a back-dated fill cannot free the account. Defaults to tradingDay for
         * a caller that settles at the fill's own time (a backtest writing its own log).
         */
        recordedDay?: IstDate;
      };
    }
  | { type: 'SetRiskLimits'; data: { accountId: string } & RiskLimits }
  | { type: 'HaltTrading'; data: { accountId: string; reason: string } }
  | { type: 'ResumeTrading'; data: { accountId: string } }
  | { type: 'ChooseBroker'; data: { accountId: string; broker: string } };
