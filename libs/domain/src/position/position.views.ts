import type { Paise } from '../common/types';
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
