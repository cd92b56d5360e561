import { assertNever, type RiskLimits } from '@robo/domain';
import type { EventEnvelope } from '@robo/event-store';
import { applyTo, Collection, defineProjection } from '../collection';
import type { Projection } from '../projection';
import type { DocRef } from '../read-model-store.port';
import { ACCOUNT_EVENT_TYPES, alreadyApplied, isAccountEvent, positionOf, type AccountEnvelope } from './events';

export const ACCOUNTS_COLLECTION = new Collection<AccountDoc>('accounts', [['openedAt'], ['name']]);

export type AccountDoc = {
  accountId: string;
  name: string;
  /** Cash after every deposit, withdrawal and settled fill; reservations are part of it. */
  cashPaise: number;
  /** Buying power held for open orders. */
  reservedPaise: number;
  /** cash - reserved. */
  buyingPowerPaise: number;
  initialCashPaise: number;
  /** Deposits after opening (the initial cash is initialCashPaise). */
  depositedPaise: number;
  withdrawnPaise: number;
  /** Sum of CashSettled.realizedPnlPaise: net of charges. */
  realizedNetPaise: number;
  /** Sum of the charges of every settled fill. */
  feesPaise: number;
  fillsCount: number;
  /** The IST trading day of the latest settled fill, and that day's realized net P&L (for "today" figures). */
  tradingDay: string | null;
  dayRealizedNetPaise: number;
  limits: RiskLimits;
  halted: boolean;
  haltReason: string | null;
  openedAt: string;
  /** Business time of the last event applied. */
  updatedAt: string;
  lastEventPosition: number;
};

const NO_LIMITS: RiskLimits = { maxOrderValuePaise: null, maxPositionQuantity: null, dailyLossLimitPaise: null };

function withCash(doc: AccountDoc, cashPaise: number, reservedPaise: number): AccountDoc {
  return { ...doc, cashPaise, reservedPaise, buyingPowerPaise: cashPaise - reservedPaise };
}

function evolve(doc: AccountDoc, event: AccountEnvelope): AccountDoc {
  switch (event.type) {
    case 'AccountOpened':
      return doc;
    case 'FundsDeposited':
      return { ...withCash(doc, doc.cashPaise + event.data.amountPaise, doc.reservedPaise), depositedPaise: doc.depositedPaise + event.data.amountPaise };
    case 'FundsWithdrawn':
      return { ...withCash(doc, doc.cashPaise - event.data.amountPaise, doc.reservedPaise), withdrawnPaise: doc.withdrawnPaise + event.data.amountPaise };
    case 'FundsReserved':
      return withCash(doc, doc.cashPaise, doc.reservedPaise + event.data.amountPaise);
    case 'ReservationReleased':
      return withCash(doc, doc.cashPaise, doc.reservedPaise - event.data.amountPaise);
    case 'CashSettled': {
      const d = event.data;
      // A late fill of an earlier day changes the totals but not the current day's figure.
      const day =
        doc.tradingDay === null || d.tradingDay > doc.tradingDay
          ? { tradingDay: d.tradingDay, dayRealizedNetPaise: d.realizedPnlPaise }
          : d.tradingDay === doc.tradingDay
            ? { tradingDay: doc.tradingDay, dayRealizedNetPaise: doc.dayRealizedNetPaise + d.realizedPnlPaise }
            : { tradingDay: doc.tradingDay, dayRealizedNetPaise: doc.dayRealizedNetPaise };
      return {
        ...withCash(doc, doc.cashPaise + d.cashDeltaPaise, doc.reservedPaise - d.reservationReleasedPaise),
        realizedNetPaise: doc.realizedNetPaise + d.realizedPnlPaise,
        feesPaise: doc.feesPaise + d.feesPaise,
        fillsCount: doc.fillsCount + 1,
        ...day,
      };
    }
    case 'RiskLimitsSet': {
      const { maxOrderValuePaise, maxPositionQuantity, dailyLossLimitPaise } = event.data;
      return { ...doc, limits: { maxOrderValuePaise, maxPositionQuantity, dailyLossLimitPaise } };
    }
    case 'TradingHalted':
      return { ...doc, halted: true, haltReason: event.data.reason };
    case 'TradingResumed':
      return { ...doc, halted: false, haltReason: null };
    case 'BrokerChosen':
      // The broker is read from the account stream by the routing; the account list does not show it yet.
      return doc;
    default:
      return assertNever(event);
  }
}

function opened(event: Extract<AccountEnvelope, { type: 'AccountOpened' }>): AccountDoc {
  const d = event.data;
  return {
    accountId: d.accountId,
    name: d.name,
    cashPaise: d.initialCashPaise,
    reservedPaise: 0,
    buyingPowerPaise: d.initialCashPaise,
    initialCashPaise: d.initialCashPaise,
    depositedPaise: 0,
    withdrawnPaise: 0,
    realizedNetPaise: 0,
    feesPaise: 0,
    fillsCount: 0,
    tradingDay: null,
    dayRealizedNetPaise: 0,
    limits: NO_LIMITS,
    halted: false,
    haltReason: null,
    openedAt: d.openedAt,
    updatedAt: event.metadata.occurredAt,
    lastEventPosition: positionOf(event),
  };
}

/** Cash, reservations, limits and the kill switch of each account. */
export const accountsProjection: Projection = defineProjection({
  name: 'accounts',
  version: 1,
  eventTypes: ACCOUNT_EVENT_TYPES,

  keys(event: EventEnvelope): DocRef[] {
    return isAccountEvent(event) ? [ACCOUNTS_COLLECTION.ref(event.data.accountId)] : [];
  },

  appliers: [
    applyTo(ACCOUNTS_COLLECTION, (_id, current, event) => {
      if (!isAccountEvent(event)) return current;
      if (event.type === 'AccountOpened') return current ?? opened(event);
      // Events of an account never opened cannot come from a sound log: ignored, as the domain's evolve does.
      if (current === null || alreadyApplied(current, event)) return current;
      return { ...evolve(current, event), updatedAt: event.metadata.occurredAt, lastEventPosition: positionOf(event) };
    }),
  ],
});
