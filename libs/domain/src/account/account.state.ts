import { assertNever } from '../common/errors';
import type { IsoInstant, IstDate, Paise } from '../common/types';
import type { AccountEvent, BrokerName, RiskLimits } from './account.events';
import { VersionedMap } from '../common/versioned-map';
import { FillLedger } from './fill-ledger';

export type AccountState =
  | { status: 'NONE' }
  | {
      status: 'OPEN';
      accountId: string;
      name: string;
      cashPaise: Paise;
      /** Buying power held per open order; an order whose reservation reaches zero is removed. */
      reservations: VersionedMap<Paise>;
      /** Sum of reservations, kept alongside so buying power is O(1). */
      reservedPaise: Paise;
      limits: RiskLimits;
      halted: boolean;
      haltReason: string | null;
      /** Net realized P&L per IST trading day on which it was recorded (negative is a loss), for the daily loss limit. */
      realizedByDay: Record<IstDate, Paise>;
      /** Fill id -> order id of fills already settled, so a redelivered SettleFill moves cash once. */
      settledFills: FillLedger;
      openedAt: IsoInstant;
      /** Where the account's orders go; absent means paper (accounts opened before the choice existed). */
      broker?: BrokerName;
    };

export type OpenAccountState = Extract<AccountState, { status: 'OPEN' }>;

export const NO_RISK_LIMITS: RiskLimits = { maxOrderValuePaise: null, maxPositionQuantity: null, dailyLossLimitPaise: null };

export const initialAccountState: AccountState = { status: 'NONE' };

/** The broker the account's orders go to. */
export function brokerOf(state: AccountState): BrokerName {
  return state.status === 'OPEN' ? (state.broker ?? 'paper') : 'paper';
}

/** Cash not yet promised to open orders (0 for an account that does not exist). */
export function buyingPower(state: AccountState): Paise {
  return state.status === 'OPEN' ? state.cashPaise - state.reservedPaise : 0;
}

/**
 * Net realized P&L recorded on an IST trading day (0 when nothing was): the day the fill was settled on the clock,
 * not its business date, so a fill reported today but dated in the past counts today (the daily loss limit's day).
 */
export function realizedOn(state: AccountState, day: IstDate): Paise {
  return state.status === 'OPEN' ? (state.realizedByDay[day] ?? 0) : 0;
}

export function evolveAccount(state: AccountState, event: AccountEvent): AccountState {
  if (event.type === 'AccountOpened') {
    const d = event.data;
    return {
      status: 'OPEN',
      accountId: d.accountId,
      name: d.name,
      cashPaise: d.initialCashPaise,
      reservations: VersionedMap.empty(),
      reservedPaise: 0,
      limits: NO_RISK_LIMITS,
      halted: false,
      haltReason: null,
      realizedByDay: {},
      settledFills: FillLedger.empty(),
      openedAt: d.openedAt,
    };
  }
  // decide never emits anything else before AccountOpened; a replay must not crash on it either.
  if (state.status === 'NONE') return state;
  switch (event.type) {
    case 'FundsDeposited':
      return { ...state, cashPaise: state.cashPaise + event.data.amountPaise };
    case 'FundsWithdrawn':
      return { ...state, cashPaise: state.cashPaise - event.data.amountPaise };
    case 'FundsReserved':
      return adjustReservation(state, event.data.orderId, event.data.amountPaise);
    case 'ReservationReleased':
      return adjustReservation(state, event.data.orderId, -event.data.amountPaise);
    case 'CashSettled': {
      const d = event.data;
      const day = d.recordedDay ?? d.tradingDay;
      const released = adjustReservation(state, d.orderId, -d.reservationReleasedPaise);
      return {
        ...released,
        cashPaise: state.cashPaise + d.cashDeltaPaise,
        realizedByDay: { ...state.realizedByDay, [day]: realizedOn(state, day) + d.realizedPnlPaise },
        settledFills: state.settledFills.with(d.fillId, d.orderId),
      };
    }
    case 'RiskLimitsSet': {
      const { maxOrderValuePaise, maxPositionQuantity, dailyLossLimitPaise } = event.data;
      return { ...state, limits: { maxOrderValuePaise, maxPositionQuantity, dailyLossLimitPaise } };
    }
    case 'TradingHalted':
      return { ...state, halted: true, haltReason: event.data.reason };
    case 'TradingResumed':
      return { ...state, halted: false, haltReason: null };
    case 'BrokerChosen':
      return { ...state, broker: event.data.broker };
    default:
      return assertNever(event);
  }
}

function adjustReservation(state: OpenAccountState, orderId: string, deltaPaise: Paise): OpenAccountState {
  const held = (state.reservations.get(orderId) ?? 0) + deltaPaise;
  const reservations = state.reservations.set(orderId, held > 0 ? held : undefined);
  return { ...state, reservations, reservedPaise: state.reservedPaise + deltaPaise };
}
