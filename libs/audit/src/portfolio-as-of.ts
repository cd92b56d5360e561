import {
  AccountState,
  accountStream,
  composePortfolio,
  MARKET_PRICES_STREAM,
  netInflowOf,
  type AccountEvent,
  type HoldingInput,
  type MarketMark,
  type PortfolioFigures,
  type ValuedHolding,
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
import { marksAsOf } from './market-marks';
import { asOfFilter, TimeAxis } from './time-filter';

export type AsOfPosition = ValuedHolding;

export interface AsOfPortfolio extends PortfolioFigures {
  accountId: string;
  asOf: string;
  time: TimeAxis;
  exists: boolean;
  /** The events the answer was folded from: stream name and how many of its events counted. */
  sources: { stream: string; events: number; lastPosition: number | null }[];
}

/**
 * The account as it was at an instant, rebuilt from the log only: the account stream and the position streams of
 * the instruments it traded, each filtered to what was known at `asOf` (business or recorded time) and folded with
 * the domain's own evolve functions, and the market prices recorded up to that instant (the `market-prices`
 * stream). Composed by the domain's composePortfolio, as the live portfolio is: asked at now it gives the live figures.
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

  const holdings: HoldingInput[] = [];
  for (const instrument of instruments) {
    const stream = positionStreamName(accountId, instrument);
    const events = asOfFilter(await readWholeStream(store, stream), asOf, time);
    sources.push({ stream, events: events.length, lastPosition: lastPosition(events) });
    const state = time === 'recorded' ? await foldInLogOrder(events, slicer) : await replayInBusinessOrder(events, slicer);
    holdings.push({
      instrument,
      quantity: state.quantity,
      costBasisPaise: state.costBasisPaise,
      openFeesPaise: state.openFeesPaise,
      realizedGrossPaise: state.totalRealizedGrossPaise,
      realizedNetPaise: state.totalRealizedNetPaise,
      feesPaise: state.totalFeesPaise,
    });
  }

  const open = account.status === 'OPEN';
  const held = holdings.filter((h) => h.quantity !== 0).map((h) => h.instrument);
  const recorded = await marksAsOf(store, held, asOf, time);
  const marks = new Map<string, MarketMark>([...recorded].map(([instrument, m]) => [instrument, { pricePaise: m.pricePaise, at: m.at }]));
  if (recorded.size > 0) {
    const positions = [...recorded.values()].map((m) => m.globalPosition);
    sources.push({ stream: MARKET_PRICES_STREAM, events: new Set(positions).size, lastPosition: Math.max(...positions) });
  }
  const figures = composePortfolio(
    { cashPaise: open ? account.cashPaise : 0, reservedPaise: open ? account.reservedPaise : 0, netInflowPaise: open ? netInflowOf(accountEvents.map((e) => ({ type: e.type, data: e.data }) as AccountEvent)) : 0 },
    holdings,
    marks,
  );
  return { accountId, asOf, time, exists: open, ...figures, sources };
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
