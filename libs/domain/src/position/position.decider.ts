import type { Decider } from '../common/decider';
import { assertNever, Conflict, InvalidCommand } from '../common/errors';
import type { Paise } from '../common/types';
import { isNonNegativeSafeInt, isPositiveSafeInt, proRataPaise } from '../charges/money';
import type { PositionCommand } from './position.commands';
import type { PositionAfter, PositionEvent, PositionFillRef, RealizedPart } from './position.events';
import { evolvePosition, initialPositionState, type PositionState } from './position.state';

type Fill = PositionCommand['data'];

export function decidePosition(command: PositionCommand, state: PositionState): PositionEvent[] {
  switch (command.type) {
    case 'ApplyFill':
      return applyFill(command.data, state);
    default:
      return assertNever(command.type);
  }
}

/**
 * Average-cost netting. Amounts leave the position pro rata by quantity, rounded half away from
 * zero (proRataPaise); the last unit of a cycle takes whatever cost and entry charges remain, so a
 * cycle allocates exactly what it was charged. The price of that exactness: after a partial close
 * the remaining average can move by under a paisa per unit (30001 over 3 units, reduced by one
 * unit costing round(10000.33) = 10000, leaves 20001 over 2 = 10000.5 instead of 10000.33).
 */
function applyFill(fill: Fill, state: PositionState): PositionEvent[] {
  validate(fill, state);
  const applied = state.appliedFills.get(fill.fillId);
  if (applied) {
    if (applied.orderId === fill.orderId) return [];
    // Silently skipping would lose a real fill; the fill id source must make ids unique.
    throw new Conflict('FILL_ID_REUSED', `fill ${fill.fillId} was already applied for order ${applied.orderId}`, { fillId: fill.fillId, orderId: applied.orderId });
  }

  const direction = fill.side === 'BUY' ? 1 : -1;
  const value = fill.quantity * fill.pricePaise;
  if (state.quantity === 0) return [opened(fill, fill.quantity, fill.feesPaise, state.cycle + 1)];

  if (Math.sign(state.quantity) === direction) {
    const costBasisPaise = state.costBasisPaise + value;
    if (!Number.isSafeInteger(costBasisPaise)) throw new InvalidCommand('AMOUNT_INVALID', 'position value is beyond the safe integer range');
    const after: PositionAfter = {
      quantity: state.quantity + direction * fill.quantity,
      costBasisPaise,
      openFeesPaise: state.openFeesPaise + fill.feesPaise,
    };
    return [{ type: 'PositionIncreased', data: { ...fillRef(fill, fill.quantity, fill.feesPaise, state.cycle), ...after } }];
  }

  const held = Math.abs(state.quantity);
  if (fill.quantity < held) return [reduce(fill, state, fill.quantity, fill.feesPaise)];
  if (fill.quantity === held) return [close(fill, state, fill.feesPaise)];

  // Crosses zero: close what is held, then open the rest at the fill price in the next cycle.
  const closingFees = proRataPaise(fill.feesPaise, held, fill.quantity);
  return [close(fill, state, closingFees), opened(fill, fill.quantity - held, fill.feesPaise - closingFees, state.cycle + 1)];
}

/** Opens a cycle with `units` of the fill (all of it, or what is left after closing the old position). */
function opened(fill: Fill, units: number, feesPaise: Paise, cycle: number): PositionEvent {
  const costBasisPaise = units * fill.pricePaise;
  if (!Number.isSafeInteger(costBasisPaise)) throw new InvalidCommand('AMOUNT_INVALID', 'position value is beyond the safe integer range');
  const signed = fill.side === 'BUY' ? units : -units;
  return { type: 'PositionOpened', data: { ...fillRef(fill, units, feesPaise, cycle), quantity: signed, costBasisPaise, openFeesPaise: feesPaise } };
}

function reduce(fill: Fill, state: PositionState, closedQuantity: number, exitFeesPaise: Paise): PositionEvent {
  const { part, after } = realize(fill, state, closedQuantity, exitFeesPaise);
  return { type: 'PositionReduced', data: { ...fillRef(fill, closedQuantity, exitFeesPaise, state.cycle), ...after, ...part } };
}

function close(fill: Fill, state: PositionState, exitFeesPaise: Paise): PositionEvent {
  const closedQuantity = Math.abs(state.quantity);
  const { part, after } = realize(fill, state, closedQuantity, exitFeesPaise);
  if (state.openedAt === null) throw new Error('an open position has no openedAt: the stream is corrupt');
  return {
    type: 'PositionClosed',
    data: {
      ...fillRef(fill, closedQuantity, exitFeesPaise, state.cycle),
      ...after,
      ...part,
      cycleRealizedGrossPaise: state.cycleRealizedGrossPaise + part.realizedGrossPaise,
      cycleRealizedNetPaise: state.cycleRealizedNetPaise + part.realizedNetPaise,
      cycleFeesPaise: state.cycleFeesPaise + exitFeesPaise,
      openedAt: state.openedAt,
    },
  };
}

/** P&L of taking closedQuantity off the position at the fill price, and what is left. */
function realize(fill: Fill, state: PositionState, closedQuantity: number, exitFeesPaise: Paise): { part: RealizedPart; after: PositionAfter } {
  const held = Math.abs(state.quantity);
  // closedQuantity === held allocates exactly the whole remainder (amount x n / n).
  const costClosed = proRataPaise(state.costBasisPaise, closedQuantity, held);
  const entryFeesPaise = proRataPaise(state.openFeesPaise, closedQuantity, held);
  const exitValue = closedQuantity * fill.pricePaise;
  const realizedGrossPaise = state.quantity > 0 ? exitValue - costClosed : costClosed - exitValue;
  const realizedNetPaise = realizedGrossPaise - entryFeesPaise - exitFeesPaise;
  return {
    part: { closedQuantity, realizedGrossPaise, entryFeesPaise, realizedNetPaise },
    after: {
      quantity: state.quantity - Math.sign(state.quantity) * closedQuantity,
      costBasisPaise: state.costBasisPaise - costClosed,
      openFeesPaise: state.openFeesPaise - entryFeesPaise,
    },
  };
}

/** The part of a fill an event applies: fillQuantity units (all of it, or one side of a zero crossing) and their charges. */
function fillRef(fill: Fill, fillQuantity: number, feesPaise: Paise, cycle: number): PositionFillRef {
  return {
    accountId: fill.accountId,
    instrument: fill.instrument,
    orderId: fill.orderId,
    fillId: fill.fillId,
    side: fill.side,
    fillQuantity,
    pricePaise: fill.pricePaise,
    feesPaise,
    occurredAt: fill.occurredAt,
    cycle,
  };
}

function validate(fill: Fill, state: PositionState): void {
  if (!isPositiveSafeInt(fill.quantity)) throw new InvalidCommand('QUANTITY_INVALID', 'fill quantity must be a positive integer');
  if (!isPositiveSafeInt(fill.pricePaise)) throw new InvalidCommand('PRICE_INVALID', 'fill price must be a positive integer (paise)');
  if (!isNonNegativeSafeInt(fill.feesPaise)) throw new InvalidCommand('FEES_INVALID', 'fill charges must be a non-negative integer (paise)');
  if (!Number.isSafeInteger(fill.quantity * fill.pricePaise)) throw new InvalidCommand('AMOUNT_INVALID', 'fill value is beyond the safe integer range');
  if (state.accountId !== null && (state.accountId !== fill.accountId || state.instrument !== fill.instrument)) {
    // One stream per (account, instrument): a foreign fill here is a routing bug.
    throw new InvalidCommand('POSITION_MISMATCH', `fill for ${fill.accountId}/${fill.instrument} reached ${state.accountId}/${state.instrument}`);
  }
}

export const positionDecider: Decider<PositionCommand, PositionEvent, PositionState> = {
  decide: decidePosition,
  evolve: evolvePosition,
  initialState: initialPositionState,
};
