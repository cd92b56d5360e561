import type { IsoInstant, Paise, Side } from '../common/types';

/**
 * One net position per (account, instrument), average-cost method.
 * A cycle runs from flat to flat; its number increases so that history is kept per cycle.
 * Every position event is the intersection of the fill it applies (PositionFillRef) and the position after it
 * (PositionAfter), so the two must not share a field name: the fill's units are `fillQuantity`, and `quantity`
 * is always the signed position after the event (long +, short -).
 * costBasisPaise is the absolute entry value of the open quantity, so averagePrice = costBasisPaise / |quantity|
 * (derived, never stored as a float).
 * openFeesPaise: entry charges not yet attributed to realized P&L (allocated pro rata on reduction).
 */
export interface PositionFillRef {
  accountId: string;
  instrument: string;
  orderId: string;
  fillId: string;
  side: Side;
  /**
   * Units of this fill applied by this event (positive). Usually the whole fill; for a fill that crosses zero,
   * PositionClosed carries the units that closed the old position and PositionOpened the rest.
   */
  fillQuantity: number;
  pricePaise: Paise;
  /** Charges of this fill applied by this event (a fill that crosses zero splits its charges pro rata). */
  feesPaise: Paise;
  occurredAt: IsoInstant;
  cycle: number;
}

export interface PositionAfter {
  /** Signed quantity of the position after the event (long +, short -); 0 once closed. */
  quantity: number;
  costBasisPaise: Paise;
  openFeesPaise: Paise;
}

export interface RealizedPart {
  closedQuantity: number;
  /** (exit - average) x closed quantity, sign-adjusted for shorts, before charges. */
  realizedGrossPaise: Paise;
  /** Entry charges attributed to the closed quantity. */
  entryFeesPaise: Paise;
  /** Gross minus entry charges of the closed part minus this fill's exit charges. */
  realizedNetPaise: Paise;
}

export type PositionEvent =
  | { type: 'PositionOpened'; data: PositionFillRef & PositionAfter }
  | { type: 'PositionIncreased'; data: PositionFillRef & PositionAfter }
  | { type: 'PositionReduced'; data: PositionFillRef & PositionAfter & RealizedPart }
  /** Flat again; the cycle's totals are final. */
  | {
      type: 'PositionClosed';
      data: PositionFillRef &
        PositionAfter &
        RealizedPart & { cycleRealizedGrossPaise: Paise; cycleRealizedNetPaise: Paise; cycleFeesPaise: Paise; openedAt: IsoInstant };
    };

export type PositionEventType = PositionEvent['type'];
