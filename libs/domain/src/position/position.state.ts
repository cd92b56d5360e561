import { assertNever } from '../common/errors';
import type { IsoInstant, Paise } from '../common/types';
import { VersionedMap } from '../common/versioned-map';
import type { PositionEvent } from './position.events';

/** One finished cycle (flat -> open -> flat), kept so a symbol traded again keeps its earlier P&L. */
export interface ClosedCycle {
  cycle: number;
  direction: 'LONG' | 'SHORT';
  openedAt: IsoInstant;
  closedAt: IsoInstant;
  /** Largest absolute quantity held during the cycle. */
  maxQuantity: number;
  realizedGrossPaise: Paise;
  realizedNetPaise: Paise;
  /** All charges of the cycle, entry and exit. */
  feesPaise: Paise;
}

export interface AppliedFill {
  /** Kept to tell a redelivered fill from another order's fill that reuses the id. */
  orderId: string;
  realizedGrossPaise: Paise;
  realizedNetPaise: Paise;
}

export interface PositionState {
  accountId: string | null;
  instrument: string | null;
  /** 0 before the first fill, 1 for the first cycle, and so on; stays at the last cycle while flat. */
  cycle: number;
  /** Signed: long +, short -. */
  quantity: number;
  /** Absolute entry value of the open quantity. */
  costBasisPaise: Paise;
  /** Entry charges of the open quantity not yet attributed to realized P&L. */
  openFeesPaise: Paise;
  cycleRealizedGrossPaise: Paise;
  cycleRealizedNetPaise: Paise;
  /** Charges of every fill (or fill part) of the current cycle. */
  cycleFeesPaise: Paise;
  cycleMaxQuantity: number;
  openedAt: IsoInstant | null;
  totalRealizedGrossPaise: Paise;
  totalRealizedNetPaise: Paise;
  /** Charges of every fill applied, closed cycles and the open one. */
  totalFeesPaise: Paise;
  closedCycles: ClosedCycle[];
  /**
   * What each applied fill realized (summed over its events), so a redelivered fill is a no-op.
   * Fill ids must be unique per (account, instrument); a reuse by another order is refused.
   * A VersionedMap: recording a fill is O(1), where copying a plain object per fill made folding a position stream
   * quadratic in its fills (3,000 fills took 5 s). It serialises as the plain object.
   */
  appliedFills: VersionedMap<AppliedFill>;
}

export const initialPositionState: PositionState = {
  accountId: null,
  instrument: null,
  cycle: 0,
  quantity: 0,
  costBasisPaise: 0,
  openFeesPaise: 0,
  cycleRealizedGrossPaise: 0,
  cycleRealizedNetPaise: 0,
  cycleFeesPaise: 0,
  cycleMaxQuantity: 0,
  openedAt: null,
  totalRealizedGrossPaise: 0,
  totalRealizedNetPaise: 0,
  totalFeesPaise: 0,
  closedCycles: [],
  appliedFills: VersionedMap.empty(),
};

export const positionStreamName = (accountId: string, instrument: string): string => `position-${accountId}-${instrument}`;

export function evolvePosition(state: PositionState, event: PositionEvent): PositionState {
  const d = event.data;
  // Every event carries the position after it, so quantity and cost are taken, never recomputed.
  const after: PositionState = {
    ...state,
    accountId: d.accountId,
    instrument: d.instrument,
    quantity: d.quantity,
    costBasisPaise: d.costBasisPaise,
    openFeesPaise: d.openFeesPaise,
    totalFeesPaise: state.totalFeesPaise + d.feesPaise,
  };
  switch (event.type) {
    case 'PositionOpened':
      return {
        ...after,
        cycle: event.data.cycle,
        openedAt: event.data.occurredAt,
        cycleRealizedGrossPaise: 0,
        cycleRealizedNetPaise: 0,
        cycleFeesPaise: event.data.feesPaise,
        cycleMaxQuantity: Math.abs(event.data.quantity),
        appliedFills: recordFill(state, event.data, 0, 0),
      };
    case 'PositionIncreased':
      return {
        ...after,
        cycleFeesPaise: state.cycleFeesPaise + event.data.feesPaise,
        cycleMaxQuantity: Math.max(state.cycleMaxQuantity, Math.abs(event.data.quantity)),
        appliedFills: recordFill(state, event.data, 0, 0),
      };
    case 'PositionReduced': {
      const { realizedGrossPaise: gross, realizedNetPaise: net } = event.data;
      return {
        ...after,
        cycleRealizedGrossPaise: state.cycleRealizedGrossPaise + gross,
        cycleRealizedNetPaise: state.cycleRealizedNetPaise + net,
        cycleFeesPaise: state.cycleFeesPaise + event.data.feesPaise,
        totalRealizedGrossPaise: state.totalRealizedGrossPaise + gross,
        totalRealizedNetPaise: state.totalRealizedNetPaise + net,
        appliedFills: recordFill(state, event.data, gross, net),
      };
    }
    case 'PositionClosed': {
      const c = event.data;
      const closed: ClosedCycle = {
        cycle: c.cycle,
        // The closing fill trades against the position: a sell closes a long.
        direction: c.side === 'SELL' ? 'LONG' : 'SHORT',
        openedAt: c.openedAt,
        closedAt: c.occurredAt,
        maxQuantity: state.cycleMaxQuantity,
        realizedGrossPaise: c.cycleRealizedGrossPaise,
        realizedNetPaise: c.cycleRealizedNetPaise,
        feesPaise: c.cycleFeesPaise,
      };
      return {
        ...after,
        cycleRealizedGrossPaise: 0,
        cycleRealizedNetPaise: 0,
        cycleFeesPaise: 0,
        cycleMaxQuantity: 0,
        openedAt: null,
        totalRealizedGrossPaise: state.totalRealizedGrossPaise + c.realizedGrossPaise,
        totalRealizedNetPaise: state.totalRealizedNetPaise + c.realizedNetPaise,
        closedCycles: [...state.closedCycles, closed],
        appliedFills: recordFill(state, c, c.realizedGrossPaise, c.realizedNetPaise),
      };
    }
    default:
      return assertNever(event);
  }
}

function recordFill(state: PositionState, ref: { fillId: string; orderId: string }, gross: Paise, net: Paise): VersionedMap<AppliedFill> {
  const before = state.appliedFills.get(ref.fillId);
  return state.appliedFills.set(ref.fillId, {
    orderId: ref.orderId,
    realizedGrossPaise: (before?.realizedGrossPaise ?? 0) + gross,
    realizedNetPaise: (before?.realizedNetPaise ?? 0) + net,
  });
}
