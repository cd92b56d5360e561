import { assertNever } from '@robo/domain';
import type { EventEnvelope } from '@robo/event-store';
import { applyTo, Collection, defineProjection } from '../collection';
import type { Projection } from '../projection';
import type { DocRef } from '../read-model-store.port';
import { istDateField, istDateOf } from './business-date';
import { alreadyApplied, isAccountEvent, isPositionEvent, POSITION_EVENT_TYPES, positionOf, type AccountEnvelope, type PositionEnvelope } from './events';

export const ACCOUNT_DAYS_COLLECTION = new Collection<AccountDayDoc>('account_days', [['accountId', 'date']]);

export const accountDayId = (accountId: string, date: string): string => `${accountId}|${date}`;

/** What one IST day did to one instrument of the account: signed units and the change of the absolute cost basis. */
export type AccountDayPosition = {
  instrument: string;
  /** Σ +fill units of buys, -fill units of sells. */
  quantityChange: number;
  /** Change of the position's absolute entry value (costBasisPaise): what average-cost valuation needs. */
  costChangePaise: number;
};

/**
 * What happened to an account on one IST date (a document exists only for a date when something did).
 *
 * It holds the day's changes, not end-of-day balances: a projection sees one document and one event, so a new date's
 * document cannot know the balance the previous one ended with. The query adds the changes up in date order
 * (end-of-day cash = Σ cashChangePaise up to that date; quantities likewise). A bonus of sums over balances: a fill
 * reported late with an earlier business date lands on its own date and every later date moves with it.
 */
export type AccountDayDoc = {
  accountId: string;
  /** IST date: of openedAt, of the business time of a deposit or withdrawal, CashSettled.tradingDay, or the fill time. */
  date: string;
  /** Every cash movement of the day: initial cash, deposits, withdrawals and settled fills. */
  cashChangePaise: number;
  /** External money, not performance: initial cash + deposits - withdrawals. */
  netFlowsPaise: number;
  /** Initial cash (on the opening date) and deposits. */
  depositsPaise: number;
  withdrawalsPaise: number;
  /** Σ CashSettled.cashDeltaPaise: sale proceeds - purchase costs - charges. */
  tradingCashPaise: number;
  feesPaise: number;
  /** Σ CashSettled.realizedPnlPaise (net of charges). */
  realizedNetPaise: number;
  /**
   * Σ realizedGrossPaise of the day's PositionReduced and PositionClosed events: (exit - average) x closed units, before
   * any charge (the daily statement's realized). Absent on documents projected before it was added (rebuild them).
   */
  realizedGrossPaise?: number;
  /** Settled fills. */
  fillsCount: number;
  /** Ordered by instrument. */
  positions: AccountDayPosition[];
  lastEventPosition: number;
};

const ACCOUNT_TYPES = ['AccountOpened', 'FundsDeposited', 'FundsWithdrawn', 'CashSettled'] as const;

/** The IST date an event counts on, or null when it carries none that can be read. */
function dateOf(event: AccountEnvelope | PositionEnvelope): string | null {
  const fallback = () => istDateOf(event.metadata.occurredAt) ?? istDateOf(event.recordedAt);
  switch (event.type) {
    case 'AccountOpened':
      return istDateOf(event.data.openedAt) ?? fallback();
    case 'CashSettled':
      // The settlement's own trading day: the fill's IST date, whenever it was settled.
      return istDateField(event.data.tradingDay) ?? fallback();
    case 'PositionOpened':
    case 'PositionIncreased':
    case 'PositionReduced':
    case 'PositionClosed':
      return istDateOf(event.data.occurredAt) ?? fallback();
    default:
      return fallback();
  }
}

function relevant(event: EventEnvelope): AccountEnvelope | PositionEnvelope | null {
  if (isPositionEvent(event)) return event;
  if (isAccountEvent(event) && (ACCOUNT_TYPES as readonly string[]).includes(event.type)) return event;
  return null;
}

/**
 * Change of the absolute cost basis. An event carries the basis after it, not before, so the closed part's cost is
 * recovered from the realized gross: a long closed by a sell realizes exit - cost, a short closed by a buy cost - exit.
 */
export function costChangeOf(event: PositionEnvelope): number {
  const d = event.data;
  switch (event.type) {
    case 'PositionOpened':
      return d.costBasisPaise;
    case 'PositionIncreased':
      return d.fillQuantity * d.pricePaise;
    case 'PositionReduced':
    case 'PositionClosed': {
      const exitValue = d.fillQuantity * d.pricePaise;
      const costClosed = d.side === 'SELL' ? exitValue - event.data.realizedGrossPaise : event.data.realizedGrossPaise + exitValue;
      return -costClosed;
    }
    default:
      return assertNever(event);
  }
}

function emptyDay(accountId: string, date: string): AccountDayDoc {
  return {
    accountId,
    date,
    cashChangePaise: 0,
    netFlowsPaise: 0,
    depositsPaise: 0,
    withdrawalsPaise: 0,
    tradingCashPaise: 0,
    feesPaise: 0,
    realizedNetPaise: 0,
    realizedGrossPaise: 0,
    fillsCount: 0,
    positions: [],
    lastEventPosition: 0,
  };
}

function withPosition(positions: readonly AccountDayPosition[], instrument: string, quantity: number, cost: number): AccountDayPosition[] {
  const found = positions.find((p) => p.instrument === instrument);
  const next = found
    ? positions.map((p) => (p.instrument === instrument ? { instrument, quantityChange: p.quantityChange + quantity, costChangePaise: p.costChangePaise + cost } : p))
    : [...positions, { instrument, quantityChange: quantity, costChangePaise: cost }];
  return next.sort((a, b) => (a.instrument < b.instrument ? -1 : a.instrument > b.instrument ? 1 : 0));
}

function next(day: AccountDayDoc, event: AccountEnvelope | PositionEnvelope): AccountDayDoc {
  const moved = { ...day, lastEventPosition: positionOf(event) };
  switch (event.type) {
    case 'AccountOpened': {
      const cash = event.data.initialCashPaise;
      return { ...moved, cashChangePaise: day.cashChangePaise + cash, netFlowsPaise: day.netFlowsPaise + cash, depositsPaise: day.depositsPaise + cash };
    }
    case 'FundsDeposited': {
      const amount = event.data.amountPaise;
      return { ...moved, cashChangePaise: day.cashChangePaise + amount, netFlowsPaise: day.netFlowsPaise + amount, depositsPaise: day.depositsPaise + amount };
    }
    case 'FundsWithdrawn': {
      const amount = event.data.amountPaise;
      return { ...moved, cashChangePaise: day.cashChangePaise - amount, netFlowsPaise: day.netFlowsPaise - amount, withdrawalsPaise: day.withdrawalsPaise + amount };
    }
    case 'CashSettled': {
      const d = event.data;
      return {
        ...moved,
        cashChangePaise: day.cashChangePaise + d.cashDeltaPaise,
        tradingCashPaise: day.tradingCashPaise + d.cashDeltaPaise,
        feesPaise: day.feesPaise + d.feesPaise,
        realizedNetPaise: day.realizedNetPaise + d.realizedPnlPaise,
        fillsCount: day.fillsCount + 1,
      };
    }
    case 'PositionOpened':
    case 'PositionIncreased':
    case 'PositionReduced':
    case 'PositionClosed': {
      const d = event.data;
      const units = d.side === 'BUY' ? d.fillQuantity : -d.fillQuantity;
      const gross = event.type === 'PositionReduced' || event.type === 'PositionClosed' ? event.data.realizedGrossPaise : 0;
      return {
        ...moved,
        realizedGrossPaise: (day.realizedGrossPaise ?? 0) + gross,
        positions: withPosition(day.positions, d.instrument, units, costChangeOf(event)),
      };
    }
    case 'FundsReserved':
    case 'ReservationReleased':
    case 'RiskLimitsSet':
    case 'TradingHalted':
    case 'TradingResumed':
    case 'BrokerChosen':
      // Reservations are part of cash; limits, halts and the broker choice move no money.
      return day;
    default:
      return assertNever(event);
  }
}

/** Per (account, IST date): cash moved, external flows, and what each instrument's position did that day. */
export const accountPerformanceProjection: Projection = defineProjection({
  name: 'account-performance',
  version: 1,
  eventTypes: [...ACCOUNT_TYPES, ...POSITION_EVENT_TYPES],

  keys(event: EventEnvelope): DocRef[] {
    const e = relevant(event);
    const date = e === null ? null : dateOf(e);
    return e === null || date === null ? [] : [ACCOUNT_DAYS_COLLECTION.ref(accountDayId(e.data.accountId, date))];
  },

  appliers: [
    applyTo(ACCOUNT_DAYS_COLLECTION, (_id, current, event) => {
      const e = relevant(event);
      if (e === null || alreadyApplied(current, event)) return current;
      const date = dateOf(e);
      if (date === null) return current;
      return next(current ?? emptyDay(e.data.accountId, date), e);
    }),
  ],
});
