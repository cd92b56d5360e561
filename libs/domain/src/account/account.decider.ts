import type { Decider } from '../common/decider';
import { assertNever, Conflict, InvalidCommand, NotFound, RuleViolation } from '../common/errors';
import { formatRupees as rupees } from '../common/rupees';
import type { Paise } from '../common/types';
import { isNonNegativeSafeInt, isPositiveSafeInt, isSafeInt } from '../charges/money';
import type { AccountCommand } from './account.commands';
import { BROKER_NAMES, type AccountEvent, type BrokerName, type RiskLimits } from './account.events';
import { type AccountState, brokerOf, buyingPower, evolveAccount, initialAccountState, type OpenAccountState } from './account.state';

const NAME_MAX = 100;
const IST_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function decideAccount(command: AccountCommand, state: AccountState): AccountEvent[] {
  if (command.type === 'OpenAccount') return openAccount(command.data, state);
  if (state.status === 'NONE') {
    throw new NotFound('ACCOUNT_NOT_FOUND', `account ${command.data.accountId} does not exist`, { accountId: command.data.accountId });
  }
  if (command.data.accountId !== state.accountId) {
    // The handler loads the stream by id, so a mismatch means a wiring bug, not a user error worth obeying.
    throw new InvalidCommand('ACCOUNT_MISMATCH', `command for ${command.data.accountId} reached account ${state.accountId}`);
  }
  const accountId = state.accountId;
  switch (command.type) {
    case 'DepositFunds': {
      const { amountPaise } = command.data;
      if (!isPositiveSafeInt(amountPaise) || !Number.isSafeInteger(state.cashPaise + amountPaise)) {
        throw amountInvalid('deposit must be a positive integer amount of paise');
      }
      return [{ type: 'FundsDeposited', data: { accountId, amountPaise } }];
    }
    case 'WithdrawFunds': {
      const { amountPaise } = command.data;
      if (!isPositiveSafeInt(amountPaise)) throw amountInvalid('withdrawal must be a positive integer amount of paise');
      requireBuyingPower(state, amountPaise);
      return [{ type: 'FundsWithdrawn', data: { accountId, amountPaise } }];
    }
    case 'ReserveFunds': {
      const { orderId, amountPaise } = command.data;
      if (!isNonNegativeSafeInt(amountPaise)) throw amountInvalid('reservation must be a non-negative integer amount of paise');
      if (amountPaise === 0) return [];
      requireBuyingPower(state, amountPaise);
      return [{ type: 'FundsReserved', data: { accountId, orderId, amountPaise } }];
    }
    case 'ReleaseReservation': {
      const { orderId, reason } = command.data;
      const requested = command.data.amountPaise;
      if (requested !== undefined && !isNonNegativeSafeInt(requested)) throw amountInvalid('release must be a non-negative integer amount of paise');
      const held = state.reservations.get(orderId) ?? 0;
      const amountPaise = Math.min(requested ?? held, held);
      if (amountPaise === 0) return [];
      return [{ type: 'ReservationReleased', data: { accountId, orderId, amountPaise, reason } }];
    }
    case 'SettleFill':
      return settleFill(command.data, state);
    case 'SetRiskLimits': {
      const { maxOrderValuePaise, maxPositionQuantity, dailyLossLimitPaise } = command.data;
      const limits: RiskLimits = { maxOrderValuePaise, maxPositionQuantity, dailyLossLimitPaise };
      for (const [name, value] of Object.entries(limits)) {
        if (value !== null && !isPositiveSafeInt(value)) {
          throw new InvalidCommand('LIMIT_INVALID', `${name} must be null (no limit) or a positive integer`, { [name]: value });
        }
      }
      return [{ type: 'RiskLimitsSet', data: { accountId, ...limits } }];
    }
    case 'HaltTrading': {
      const reason = typeof command.data.reason === 'string' ? command.data.reason.trim() : '';
      if (reason === '') throw new InvalidCommand('REASON_REQUIRED', 'a halt needs a reason');
      if (state.halted) return [];
      return [{ type: 'TradingHalted', data: { accountId, reason } }];
    }
    case 'ResumeTrading':
      if (!state.halted) return [];
      return [{ type: 'TradingResumed', data: { accountId } }];
    case 'ChooseBroker':
      return chooseBroker(command.data.broker, state);
    default:
      return assertNever(command);
  }
}

/**
 * An account trades through one broker at a time. Changing it while buying power is held for open orders is refused:
 * those orders live at the old broker, and their executions would land on an account that no longer routes there.
 */
function chooseBroker(broker: string, state: OpenAccountState): AccountEvent[] {
  if (!(BROKER_NAMES as readonly string[]).includes(broker)) {
    throw new InvalidCommand('BROKER_UNKNOWN', `broker must be one of ${BROKER_NAMES.join(', ')}`, { broker });
  }
  if (brokerOf(state) === broker) return [];
  if (state.reservedPaise > 0) {
    throw new RuleViolation('ACCOUNT_HAS_OPEN_ORDERS', `account ${state.accountId} has ${rupees(state.reservedPaise)} held for open orders; cancel them before changing broker`, {
      accountId: state.accountId,
      reservedPaise: state.reservedPaise,
    });
  }
  return [{ type: 'BrokerChosen', data: { accountId: state.accountId, broker: broker as BrokerName } }];
}

function openAccount(data: Extract<AccountCommand, { type: 'OpenAccount' }>['data'], state: AccountState): AccountEvent[] {
  if (state.status !== 'NONE') throw new Conflict('ACCOUNT_ALREADY_EXISTS', `account ${state.accountId} already exists`, { accountId: state.accountId });
  const name = typeof data.name === 'string' ? data.name.trim() : '';
  if (name.length < 1 || name.length > NAME_MAX) throw new InvalidCommand('NAME_INVALID', `name must be 1 to ${NAME_MAX} characters`);
  if (!isNonNegativeSafeInt(data.initialCashPaise)) throw amountInvalid('initial cash must be a non-negative integer amount of paise');
  return [{ type: 'AccountOpened', data: { accountId: data.accountId, name, initialCashPaise: data.initialCashPaise, openedAt: data.now } }];
}

/**
 * A fill has already happened at the exchange, so settlement never refuses for lack of cash:
 * cash may go below zero (say fees beyond what the order reserved, or a fill above the limit
 * price a paper broker modelled as slippage). Refusing would leave the account disagreeing with
 * the position and the broker; the negative balance instead shows up as negative buying power,
 * which blocks new orders and withdrawals until it is covered.
 */
function settleFill(data: Extract<AccountCommand, { type: 'SettleFill' }>['data'], state: OpenAccountState): AccountEvent[] {
  const { quantity, pricePaise, feesPaise, reservationToReleasePaise, realizedPnlPaise, tradingDay } = data;
  if (!isPositiveSafeInt(quantity)) throw new InvalidCommand('QUANTITY_INVALID', 'fill quantity must be a positive integer');
  if (!isPositiveSafeInt(pricePaise)) throw new InvalidCommand('PRICE_INVALID', 'fill price must be a positive integer (paise)');
  if (!isNonNegativeSafeInt(feesPaise) || !isNonNegativeSafeInt(reservationToReleasePaise) || !isSafeInt(realizedPnlPaise)) {
    throw amountInvalid('fees, reservation and realized P&L must be integer paise (fees and reservation non-negative)');
  }
  if (typeof tradingDay !== 'string' || !IST_DATE.test(tradingDay)) throw new InvalidCommand('TRADING_DAY_INVALID', 'tradingDay must be YYYY-MM-DD (IST)');
  const recordedDay = data.recordedDay ?? tradingDay;
  if (typeof recordedDay !== 'string' || !IST_DATE.test(recordedDay)) throw new InvalidCommand('TRADING_DAY_INVALID', 'recordedDay must be YYYY-MM-DD (IST)');
  const settledFor = state.settledFills.orderFor(data.fillId);
  if (settledFor === data.orderId) return [];
  if (settledFor !== undefined) {
    // Skipping would silently lose a real fill's cash; the fill id source must make ids unique.
    throw new Conflict('FILL_ID_REUSED', `fill ${data.fillId} was already settled for order ${settledFor}`, { fillId: data.fillId, orderId: settledFor });
  }

  const value = quantity * pricePaise;
  const cashDeltaPaise = data.side === 'BUY' ? -value - feesPaise : value - feesPaise;
  if (!Number.isSafeInteger(value) || !Number.isSafeInteger(state.cashPaise + cashDeltaPaise)) throw amountInvalid('fill value is beyond the safe integer range');
  const reservationReleasedPaise = Math.min(reservationToReleasePaise, state.reservations.get(data.orderId) ?? 0);
  return [
    {
      type: 'CashSettled',
      data: {
        accountId: state.accountId,
        orderId: data.orderId,
        fillId: data.fillId,
        instrument: data.instrument,
        side: data.side,
        quantity,
        pricePaise,
        feesPaise,
        cashDeltaPaise,
        reservationReleasedPaise,
        realizedPnlPaise,
        tradingDay,
        recordedDay,
      },
    },
  ];
}

function requireBuyingPower(state: OpenAccountState, amountPaise: Paise): void {
  const available = buyingPower(state);
  if (amountPaise > available) {
    throw new RuleViolation('INSUFFICIENT_FUNDS', `needs ${rupees(amountPaise)}, ${rupees(available)} available`, { requiredPaise: amountPaise, availablePaise: available });
  }
}

function amountInvalid(message: string): InvalidCommand {
  return new InvalidCommand('AMOUNT_INVALID', message);
}

export const accountDecider: Decider<AccountCommand, AccountEvent, AccountState> = {
  decide: decideAccount,
  evolve: evolveAccount,
  initialState: initialAccountState,
};
