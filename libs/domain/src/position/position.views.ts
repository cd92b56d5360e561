import { assertNever } from '../common/errors';
import type { Paise } from '../common/types';
import type { PositionEvent } from './position.events';
import { unrealizedAt } from '../portfolio/portfolio';
import type { PositionState } from './position.state';

/**
 * Average entry price per unit, for display only: a float that must never feed a money amount
 * (money uses costBasisPaise). 0 while flat.
 */
export function averagePricePaise(state: PositionState): number {
  return state.quantity === 0 ? 0 : state.costBasisPaise / Math.abs(state.quantity);
}

/**
 * Gross unrealized P&L at a last price, integer paise: lastPrice x qty - sign(qty) x costBasis,
 * which is (last - average) x qty without the average's rounding. Open entry charges are not
 * deducted here; they are in openFeesPaise for a caller that wants a net figure.
 */
export function unrealizedPnlPaise(state: PositionState, lastPricePaise: Paise): Paise {
  return unrealizedAt(state.quantity, state.costBasisPaise, lastPricePaise);
}

/** One trade's fills seen as two legs: what opened or grew the position, and what reduced or closed it. */
export interface CycleLegs {
  entryQuantity: number;
  /** Volume-weighted average entry price per unit, display only (never feeds money); null without an entry fill. */
  entryAveragePricePaise: number | null;
  exitQuantity: number;
  exitAveragePricePaise: number | null;
}

/**
 * The entry and exit legs of one position cycle from the position's events. A fill that crosses zero is split by
 * the decider into a PositionClosed of the old cycle and a PositionOpened of the new one, each with its own units.
 */
export function cycleLegs(events: readonly PositionEvent[], cycle: number): CycleLegs {
  let entryQuantity = 0;
  let entryValue = 0;
  let exitQuantity = 0;
  let exitValue = 0;
  for (const event of events) {
    if (event.data.cycle !== cycle) continue;
    const units = event.data.fillQuantity;
    switch (event.type) {
      case 'PositionOpened':
      case 'PositionIncreased':
        entryQuantity += units;
        entryValue += units * event.data.pricePaise;
        break;
      case 'PositionReduced':
      case 'PositionClosed':
        exitQuantity += units;
        exitValue += units * event.data.pricePaise;
        break;
      default:
        assertNever(event);
    }
  }
  return {
    entryQuantity,
    entryAveragePricePaise: entryQuantity === 0 ? null : entryValue / entryQuantity,
    exitQuantity,
    exitAveragePricePaise: exitQuantity === 0 ? null : exitValue / exitQuantity,
  };
}
