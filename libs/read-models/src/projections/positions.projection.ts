import { assertNever } from '@robo/domain';
import type { EventEnvelope } from '@robo/event-store';
import { applyTo, Collection, defineProjection } from '../collection';
import type { Projection } from '../projection';
import type { DocRef } from '../read-model-store.port';
import { alreadyApplied, isPositionEvent, POSITION_EVENT_TYPES, positionOf, type PositionEnvelope } from './events';

export const POSITIONS_COLLECTION = new Collection<PositionDoc>('positions', [['accountId', 'instrument'], ['accountId', 'status', 'instrument']]);
export const POSITION_CYCLES_COLLECTION = new Collection<PositionCycleDoc>('position_cycles', [['accountId', 'openedAt'], ['accountId', 'instrument', 'cycle'], ['accountId', 'status', 'openedAt']]);

export const positionId = (accountId: string, instrument: string): string => `${accountId}|${instrument}`;
export const positionCycleId = (accountId: string, instrument: string, cycle: number): string => `${accountId}|${instrument}|${cycle}`;

/**
 * The net position of one (account, instrument). quantity, costBasisPaise and openFeesPaise are taken from the
 * event (each carries the position after it); the totals add up every event's realized P&L and charges across cycles.
 */
export type PositionDoc = {
  accountId: string;
  instrument: string;
  /** Signed: long +, short -. */
  quantity: number;
  costBasisPaise: number;
  openFeesPaise: number;
  /** costBasis / |quantity|, 0 while flat: display only. */
  averagePricePaise: number;
  realizedGrossPaise: number;
  realizedNetPaise: number;
  /** Charges of every fill applied, all cycles. */
  feesPaise: number;
  cycle: number;
  cycleRealizedGrossPaise: number;
  cycleRealizedNetPaise: number;
  cycleFeesPaise: number;
  /** Business time the current (or last) cycle opened. */
  openedAt: string;
  lastFillAt: string;
  status: 'OPEN' | 'CLOSED';
  closedCycles: number;
  lastEventPosition: number;
};

/** One cycle (flat -> open -> flat) of a position, kept so that trading a symbol again keeps earlier P&L. */
export type PositionCycleDoc = {
  accountId: string;
  instrument: string;
  cycle: number;
  direction: 'LONG' | 'SHORT';
  status: 'OPEN' | 'CLOSED';
  openedAt: string;
  closedAt: string | null;
  realizedGrossPaise: number;
  realizedNetPaise: number;
  /** Charges of the cycle, entry and exit. */
  feesPaise: number;
  maxAbsQuantity: number;
  /** Position events in the cycle (a fill that crosses zero counts in both cycles). */
  fillsCount: number;
  lastEventPosition: number;
};

type Realized = { gross: number; net: number };

function realizedOf(event: PositionEnvelope): Realized {
  switch (event.type) {
    case 'PositionOpened':
    case 'PositionIncreased':
      return { gross: 0, net: 0 };
    case 'PositionReduced':
    case 'PositionClosed':
      return { gross: event.data.realizedGrossPaise, net: event.data.realizedNetPaise };
    default:
      return assertNever(event);
  }
}

/** Opening and increasing fills point the way of the position; reducing and closing fills the other way. */
function directionOf(event: PositionEnvelope): 'LONG' | 'SHORT' {
  const addsToPosition = event.type === 'PositionOpened' || event.type === 'PositionIncreased';
  return (event.data.side === 'BUY') === addsToPosition ? 'LONG' : 'SHORT';
}

function nextPosition(doc: PositionDoc | null, event: PositionEnvelope): PositionDoc {
  const d = event.data;
  const realized = realizedOf(event);
  const totals = {
    realizedGrossPaise: (doc?.realizedGrossPaise ?? 0) + realized.gross,
    realizedNetPaise: (doc?.realizedNetPaise ?? 0) + realized.net,
    feesPaise: (doc?.feesPaise ?? 0) + d.feesPaise,
  };
  // A new cycle starts its own figures; otherwise they continue (also when a doc is missing: a damaged log).
  const sameCycle = doc !== null && doc.cycle === d.cycle;
  const cycle = {
    cycleRealizedGrossPaise: (sameCycle ? doc.cycleRealizedGrossPaise : 0) + realized.gross,
    cycleRealizedNetPaise: (sameCycle ? doc.cycleRealizedNetPaise : 0) + realized.net,
    cycleFeesPaise: (sameCycle ? doc.cycleFeesPaise : 0) + d.feesPaise,
  };
  const common = {
    accountId: d.accountId,
    instrument: d.instrument,
    quantity: d.quantity,
    costBasisPaise: d.costBasisPaise,
    openFeesPaise: d.openFeesPaise,
    averagePricePaise: d.quantity === 0 ? 0 : d.costBasisPaise / Math.abs(d.quantity),
    ...totals,
    cycle: d.cycle,
    lastFillAt: d.occurredAt,
    closedCycles: doc?.closedCycles ?? 0,
    lastEventPosition: positionOf(event),
  };
  switch (event.type) {
    case 'PositionOpened':
      return { ...common, ...cycle, openedAt: d.occurredAt, status: 'OPEN' };
    case 'PositionIncreased':
    case 'PositionReduced':
      return { ...common, ...cycle, openedAt: sameCycle ? doc.openedAt : d.occurredAt, status: 'OPEN' };
    case 'PositionClosed': {
      // The domain's cycle totals are final; taking them keeps this doc equal to the cycle doc.
      const c = event.data;
      return {
        ...common,
        cycleRealizedGrossPaise: c.cycleRealizedGrossPaise,
        cycleRealizedNetPaise: c.cycleRealizedNetPaise,
        cycleFeesPaise: c.cycleFeesPaise,
        openedAt: c.openedAt,
        status: 'CLOSED',
        closedCycles: common.closedCycles + 1,
      };
    }
    default:
      return assertNever(event);
  }
}

function nextCycle(doc: PositionCycleDoc | null, event: PositionEnvelope): PositionCycleDoc {
  const d = event.data;
  const realized = realizedOf(event);
  const base: PositionCycleDoc = doc ?? {
    accountId: d.accountId,
    instrument: d.instrument,
    cycle: d.cycle,
    direction: directionOf(event),
    status: 'OPEN',
    openedAt: d.occurredAt,
    closedAt: null,
    realizedGrossPaise: 0,
    realizedNetPaise: 0,
    feesPaise: 0,
    maxAbsQuantity: 0,
    fillsCount: 0,
    lastEventPosition: 0,
  };
  const next: PositionCycleDoc = {
    ...base,
    realizedGrossPaise: base.realizedGrossPaise + realized.gross,
    realizedNetPaise: base.realizedNetPaise + realized.net,
    feesPaise: base.feesPaise + d.feesPaise,
    maxAbsQuantity: Math.max(base.maxAbsQuantity, Math.abs(d.quantity)),
    fillsCount: base.fillsCount + 1,
    lastEventPosition: positionOf(event),
  };
  switch (event.type) {
    case 'PositionOpened':
    case 'PositionIncreased':
    case 'PositionReduced':
      return next;
    case 'PositionClosed':
      return {
        ...next,
        status: 'CLOSED',
        openedAt: event.data.openedAt,
        closedAt: d.occurredAt,
        realizedGrossPaise: event.data.cycleRealizedGrossPaise,
        realizedNetPaise: event.data.cycleRealizedNetPaise,
        feesPaise: event.data.cycleFeesPaise,
      };
    default:
      return assertNever(event);
  }
}

/** Net positions per (account, instrument) and the history of their cycles. */
export const positionsProjection: Projection = defineProjection({
  name: 'positions',
  version: 1,
  eventTypes: POSITION_EVENT_TYPES,

  keys(event: EventEnvelope): DocRef[] {
    if (!isPositionEvent(event)) return [];
    const { accountId, instrument, cycle } = event.data;
    return [
      POSITIONS_COLLECTION.ref(positionId(accountId, instrument)),
      POSITION_CYCLES_COLLECTION.ref(positionCycleId(accountId, instrument, cycle)),
    ];
  },

  appliers: [
    applyTo(POSITIONS_COLLECTION, (_id, current, event) => (!isPositionEvent(event) || alreadyApplied(current, event) ? current : nextPosition(current, event))),
    applyTo(POSITION_CYCLES_COLLECTION, (_id, current, event) => (!isPositionEvent(event) || alreadyApplied(current, event) ? current : nextCycle(current, event))),
  ],
});
