import {
  AccountState,
  accountStream,
  decidePosition,
  evolveAccount,
  evolvePosition,
  initialAccountState,
  initialPositionState,
  PositionState,
  positionStreamName,
} from '@robo/domain';
import type { EventEnvelope, EventStore } from '@robo/event-store';
import { Slicer } from './cooperative';
import { readWholeStream } from './replay-stream';
import { asOfFilter, eventTime, TimeAxis } from './time-filter';

export interface AsOfPosition {
  instrument: string;
  quantity: number;
  costBasisPaise: number;
  averagePricePaise: number;
  lastPricePaise: number | null;
  marketValuePaise: number;
  unrealizedPnlPaise: number;
  realizedGrossPaise: number;
  realizedNetPaise: number;
  feesPaise: number;
}

export interface AsOfPortfolio {
  accountId: string;
  asOf: string;
  time: TimeAxis;
  exists: boolean;
  cashPaise: number;
  reservedPaise: number;
  marketValuePaise: number;
  equityPaise: number;
  realizedGrossPaise: number;
  realizedNetPaise: number;
  feesPaise: number;
  unrealizedPnlPaise: number;
  positions: AsOfPosition[];
  /** The events the answer was folded from: stream name and how many of its events counted. */
  sources: { stream: string; events: number; lastPosition: number | null }[];
}

/**
 * The account as it was at an instant, rebuilt from the log only: the account stream and the position streams of
 * the instruments it traded, each filtered to what was known at `asOf` (business or recorded time) and folded with
 * the domain's own evolve functions. Positions are marked at the last fill price of the account's own fills up to
 * that instant.
 */
export async function portfolioAsOf(store: EventStore, accountId: string, asOf: string, time: TimeAxis): Promise<AsOfPortfolio> {
  // Folds run in slices (see Slicer): an account with thousands of fills must not hold up other requests.
  const slicer = new Slicer();
  const accountEvents = asOfFilter(await readWholeStream(store, accountStream(accountId)), asOf, time);
  let folded = initialAccountState as AccountState;
  for (const event of accountEvents) {
    folded = evolveAccount(folded, event as never);
    await slicer.pause();
  }
  const account = folded;
  const instruments = [...new Set(accountEvents.filter((e) => e.type === 'CashSettled').map((e) => (e.data as { instrument: string }).instrument))].sort();
  const sources = [{ stream: accountStream(accountId), events: accountEvents.length, lastPosition: lastPosition(accountEvents) }];

  const positions: AsOfPosition[] = [];
  for (const instrument of instruments) {
    const stream = positionStreamName(accountId, instrument);
    const events = asOfFilter(await readWholeStream(store, stream), asOf, time);
    sources.push({ stream, events: events.length, lastPosition: lastPosition(events) });
    const state = time === 'recorded' ? await foldInLogOrder(events, slicer) : await replayInBusinessOrder(events, slicer);
    const last = lastPrice(events, time);
    const marketValue = last === null ? 0 : last * state.quantity;
    // unrealized = last x qty - sign(qty) x cost (0 when flat or unpriced)
    const unrealized = last === null || state.quantity === 0 ? 0 : last * state.quantity - Math.sign(state.quantity) * state.costBasisPaise;
    positions.push({
      instrument,
      quantity: state.quantity,
      costBasisPaise: state.costBasisPaise,
      averagePricePaise: state.quantity === 0 ? 0 : state.costBasisPaise / Math.abs(state.quantity),
      lastPricePaise: last,
      marketValuePaise: marketValue,
      unrealizedPnlPaise: unrealized,
      realizedGrossPaise: state.totalRealizedGrossPaise,
      realizedNetPaise: state.totalRealizedNetPaise,
      feesPaise: state.totalFeesPaise,
    });
  }

  const open = account.status === 'OPEN';
  const cash = open ? account.cashPaise : 0;
  const marketValue = positions.reduce((s, p) => s + p.marketValuePaise, 0);
  return {
    accountId,
    asOf,
    time,
    exists: open,
    cashPaise: cash,
    reservedPaise: open ? account.reservedPaise : 0,
    marketValuePaise: marketValue,
    equityPaise: cash + marketValue,
    realizedGrossPaise: positions.reduce((s, p) => s + p.realizedGrossPaise, 0),
    realizedNetPaise: positions.reduce((s, p) => s + p.realizedNetPaise, 0),
    feesPaise: positions.reduce((s, p) => s + p.feesPaise, 0),
    unrealizedPnlPaise: positions.reduce((s, p) => s + p.unrealizedPnlPaise, 0),
    positions,
    sources,
  };
}

/** Recorded time: the log up to an instant is a prefix of each stream, so folding it gives the state then. */
async function foldInLogOrder(events: readonly EventEnvelope[], slicer: Slicer): Promise<PositionState> {
  let state = initialPositionState as PositionState;
  for (const event of events) {
    state = evolvePosition(state, event as never);
    await slicer.pause();
  }
  return state;
}

interface FillFact {
  accountId: string;
  instrument: string;
  orderId: string;
  fillId: string;
  side: 'BUY' | 'SELL';
  quantity: number;
  pricePaise: number;
  feesPaise: number;
  occurredAt: string;
  position: bigint;
}

/**
 * Business time: a back-dated fill changes what the position was before it was recorded. Position events carry the
 * state after them, computed in log order, so they cannot simply be filtered; instead the fills they record (a
 * fill that crossed zero is split over two events and is put back together) are applied again through the domain
 * decider in business-time order.
 */
async function replayInBusinessOrder(events: readonly EventEnvelope[], slicer: Slicer): Promise<PositionState> {
  const fills = new Map<string, FillFact>();
  for (const event of events) {
    const d = event.data as { accountId: string; instrument: string; orderId: string; fillId: string; side: 'BUY' | 'SELL'; fillQuantity: number; pricePaise: number; feesPaise: number; occurredAt: string };
    const known = fills.get(d.fillId);
    if (known) {
      known.quantity += d.fillQuantity;
      known.feesPaise += d.feesPaise;
    } else {
      fills.set(d.fillId, { ...d, quantity: d.fillQuantity, position: event.globalPosition });
    }
  }
  const ordered = [...fills.values()].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || (a.position < b.position ? -1 : 1));
  let state = initialPositionState as PositionState;
  for (const fill of ordered) {
    const { position: _position, ...data } = fill;
    for (const event of decidePosition({ type: 'ApplyFill', data }, state)) state = evolvePosition(state, event);
    await slicer.pause();
  }
  return state;
}

function lastPosition(events: readonly EventEnvelope[]): number | null {
  return events.length === 0 ? null : Number(events[events.length - 1].globalPosition);
}

/**
 * The price of the latest trade by business time among the fills known on the chosen axis (ties: later in the
 * log), as the prices read model keeps it: a back-dated report does not replace a later trade's price.
 */
function lastPrice(events: readonly EventEnvelope[], _time: TimeAxis): number | null {
  let best: EventEnvelope | null = null;
  for (const event of events) {
    if (best === null || eventTime(event, 'business') >= eventTime(best, 'business')) best = event;
  }
  return best === null ? null : (best.data as { pricePaise: number }).pricePaise;
}
