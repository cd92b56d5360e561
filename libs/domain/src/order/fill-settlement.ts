import type { AccountCommand } from '../account/account.commands';
import { decideAccount } from '../account/account.decider';
import { evolveAccount, type AccountState, type OpenAccountState } from '../account/account.state';
import { InvalidCommand, NotFound } from '../common/errors';
import type { IstDate, Paise, Side } from '../common/types';
import { istTradingDay } from '../market/ist';
import type { PositionCommand } from '../position/position.commands';
import { decidePosition } from '../position/position.decider';
import { evolvePosition, type PositionState } from '../position/position.state';
import type { OrderFillData } from './order.events';

/** The order a fill belongs to, as its settlement needs it. */
export interface SettledOrder {
  orderId: string;
  accountId: string;
  instrument: string;
  side: Side;
}

type FillFacts = Pick<OrderFillData, 'fillId' | 'quantity' | 'pricePaise' | 'feesPaise' | 'remainingQuantity' | 'occurredAt'>;

/** Broker fill ids are unique per order, not globally: position and cash key a fill by its order too. */
export function settlementFillKey(orderId: string, fillId: string): string {
  return `${orderId}:${fillId}`;
}

/** The position command a fill becomes (the settlement reactor's first step). */
export function positionFillCommand(order: SettledOrder, fill: FillFacts): PositionCommand {
  const { orderId, accountId, instrument, side } = order;
  return {
    type: 'ApplyFill',
    data: { accountId, instrument, orderId, fillId: settlementFillKey(orderId, fill.fillId), side, quantity: fill.quantity, pricePaise: fill.pricePaise, feesPaise: fill.feesPaise, occurredAt: fill.occurredAt },
  };
}

/**
 * The account command a fill becomes (the second step), with what the position step realized. The fill takes its
 * share of the order's reservation pro rata to the quantity it took out of what was open; the last fill takes the rest.
 * `recordedDay`: the IST trading day on the clock when the fill is settled (the daily loss limit counts by it); the
 * fill's own day when not given.
 */
export function settleFillCommand(order: SettledOrder, fill: FillFacts, account: OpenAccountState, realizedPnlPaise: Paise, recordedDay?: IstDate): AccountCommand {
  const { orderId, accountId, instrument, side } = order;
  const held = account.reservations.get(orderId) ?? 0;
  const openBefore = fill.remainingQuantity + fill.quantity;
  const share = fill.remainingQuantity === 0 ? held : Math.floor((held * fill.quantity) / openBefore);
  return {
    type: 'SettleFill',
    data: {
      accountId,
      orderId,
      fillId: settlementFillKey(orderId, fill.fillId),
      instrument,
      side,
      quantity: fill.quantity,
      pricePaise: fill.pricePaise,
      feesPaise: fill.feesPaise,
      reservationToReleasePaise: share,
      realizedPnlPaise,
      tradingDay: istTradingDay(fill.occurredAt),
      recordedDay: recordedDay ?? istTradingDay(fill.occurredAt),
    },
  };
}

/** Net P&L a fill realized on the position (0 when it only opened or added). */
export function realizedByFill(position: PositionState, orderId: string, fillId: string): Paise {
  return position.appliedFills.get(settlementFillKey(orderId, fillId))?.realizedNetPaise ?? 0;
}

/**
 * Decides the settlement of a fill against the position and the account it will move, without recording anything:
 * every check the settlement reactor would make (and the running totals it would produce) is made here, so a fill
 * that could not be settled is refused before its order event is appended.
 */
export function checkFillSettlement(order: SettledOrder, fill: FillFacts, position: PositionState, account: AccountState): void {
  const positionEvents = decidePosition(positionFillCommand(order, fill), position);
  const positionAfter = positionEvents.reduce(evolvePosition, position);
  assertSafeTotals('position', {
    quantity: positionAfter.quantity,
    costBasisPaise: positionAfter.costBasisPaise,
    openFeesPaise: positionAfter.openFeesPaise,
    cycleRealizedGrossPaise: positionAfter.cycleRealizedGrossPaise,
    cycleRealizedNetPaise: positionAfter.cycleRealizedNetPaise,
    cycleFeesPaise: positionAfter.cycleFeesPaise,
    totalRealizedGrossPaise: positionAfter.totalRealizedGrossPaise,
    totalRealizedNetPaise: positionAfter.totalRealizedNetPaise,
    totalFeesPaise: positionAfter.totalFeesPaise,
  });
  if (account.status !== 'OPEN') throw new NotFound('ACCOUNT_NOT_FOUND', `account ${order.accountId} does not exist`, { accountId: order.accountId });
  const command = settleFillCommand(order, fill, account, realizedByFill(positionAfter, order.orderId, fill.fillId));
  const accountAfter = decideAccount(command, account).reduce(evolveAccount, account);
  if (accountAfter.status !== 'OPEN') return;
  const day = istTradingDay(fill.occurredAt);
  assertSafeTotals('account', { cashPaise: accountAfter.cashPaise, reservedPaise: accountAfter.reservedPaise, realizedOnDayPaise: accountAfter.realizedByDay[day] ?? 0 });
}

function assertSafeTotals(what: string, totals: Record<string, number>): void {
  for (const [name, value] of Object.entries(totals)) {
    if (!Number.isSafeInteger(value)) {
      throw new InvalidCommand('AMOUNT_INVALID', `the fill would take the ${what}'s ${name} beyond the safe integer range`, { [name]: value });
    }
  }
}
