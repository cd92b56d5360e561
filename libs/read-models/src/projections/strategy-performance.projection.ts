import type { OrderFillData, Product, Side } from '@robo/domain';
import type { EventEnvelope } from '@robo/event-store';
import { applyTo, Collection, defineProjection } from '../collection';
import type { Projection } from '../projection';
import type { DocRef } from '../read-model-store.port';
import { instantMs, istDateOf } from './business-date';
import { alreadyApplied, isOrderEvent, positionOf } from './events';

export const STRATEGY_DAYS_COLLECTION = new Collection<StrategyDayDoc>('strategy_days', [['strategyId', 'date']]);

export const strategyDayId = (strategyId: string, date: string): string => `${strategyId}|${date}`;

/** One fill attributed to a strategy, as the order recorded it. */
export type StrategyFill = {
  orderId: string;
  fillId: string;
  accountId: string;
  instrument: string;
  side: Side;
  product: Product;
  quantity: number;
  pricePaise: number;
  feesPaise: number;
  occurredAt: string;
  /** Global position of the fill event: orders fills of the same instant. */
  position: number;
};

/**
 * A strategy's fills on one IST date (a document exists only for a date with fills), across every account it traded.
 *
 * The strategy's virtual position per instrument (average cost, the real decidePosition/evolvePosition) cannot be kept
 * here: a projection sees one document and one event, and the average cost a fill realizes against is the sum of all
 * the days before it, which a new date's document cannot see. Keeping the fills lets the query replay them in
 * log order (global position, as the accounts' positions fold them) through the domain (queries/strategy-replay.ts: replayStrategy) into trades, realized P&L and end-of-day
 * quantities; the sums below are what needs no replay.
 */
export type StrategyDayDoc = {
  strategyId: string;
  date: string;
  /** Ordered by business time, then global position. */
  fills: StrategyFill[];
  /** Σ sale proceeds - purchase costs - charges of the day's fills. */
  cashChangePaise: number;
  feesPaise: number;
  /** Σ quantity x price of the day's fills. */
  turnoverPaise: number;
  /** Signed units bought (+) and sold (-) per instrument, ordered by instrument. */
  positions: { instrument: string; quantityChange: number }[];
  /** Accounts the strategy traded on that day, sorted. */
  accountIds: string[];
  lastEventPosition: number;
};

const FILL_TYPES = ['OrderPartiallyFilled', 'OrderFilled'] as const;
const SIDES: readonly string[] = ['BUY', 'SELL'];

/**
 * Fills recorded before fills carried their order's instrument, side and strategy cannot be attributed and are
 * skipped, as are fills of orders placed without a strategy.
 */
function attributable(event: EventEnvelope): (OrderFillData & { strategyId: string }) | null {
  if (!isOrderEvent(event) || (event.type !== 'OrderPartiallyFilled' && event.type !== 'OrderFilled')) return null;
  const d = event.data;
  if (typeof d.strategyId !== 'string' || d.strategyId === '' || typeof d.instrument !== 'string' || !SIDES.includes(d.side)) return null;
  return d as OrderFillData & { strategyId: string };
}

const byInstrument = (a: { instrument: string }, b: { instrument: string }) => (a.instrument < b.instrument ? -1 : a.instrument > b.instrument ? 1 : 0);

function addFill(day: StrategyDayDoc, fill: StrategyFill, eventPosition: number): StrategyDayDoc {
  const value = fill.quantity * fill.pricePaise;
  const units = fill.side === 'BUY' ? fill.quantity : -fill.quantity;
  const known = day.positions.find((p) => p.instrument === fill.instrument);
  const positions = known
    ? day.positions.map((p) => (p.instrument === fill.instrument ? { instrument: p.instrument, quantityChange: p.quantityChange + units } : p))
    : [...day.positions, { instrument: fill.instrument, quantityChange: units }].sort(byInstrument);
  const fills = [...day.fills, fill].sort((a, b) => instantMs(a.occurredAt) - instantMs(b.occurredAt) || a.position - b.position);
  return {
    ...day,
    fills,
    cashChangePaise: day.cashChangePaise + (fill.side === 'SELL' ? value : -value) - fill.feesPaise,
    feesPaise: day.feesPaise + fill.feesPaise,
    turnoverPaise: day.turnoverPaise + value,
    positions,
    accountIds: day.accountIds.includes(fill.accountId) ? day.accountIds : [...day.accountIds, fill.accountId].sort(),
    lastEventPosition: eventPosition,
  };
}

/** Per (strategy, IST date): the fills of orders placed with that strategyId. */
export const strategyPerformanceProjection: Projection = defineProjection({
  name: 'strategy-performance',
  version: 1,
  eventTypes: FILL_TYPES,

  keys(event: EventEnvelope): DocRef[] {
    const fill = attributable(event);
    const date = fill === null ? null : istDateOf(fill.occurredAt);
    return fill === null || date === null ? [] : [STRATEGY_DAYS_COLLECTION.ref(strategyDayId(fill.strategyId, date))];
  },

  appliers: [
    applyTo(STRATEGY_DAYS_COLLECTION, (_id, current, event) => {
      const d = attributable(event);
      if (d === null || alreadyApplied(current, event)) return current;
      const date = istDateOf(d.occurredAt);
      if (date === null) return current;
      // The order decider records a fill id once per order; this only guards a hand-made log.
      if (current?.fills.some((f) => f.orderId === d.orderId && f.fillId === d.fillId)) return { ...current, lastEventPosition: positionOf(event) };
      const fill: StrategyFill = {
        orderId: d.orderId,
        fillId: d.fillId,
        accountId: d.accountId,
        instrument: d.instrument,
        side: d.side,
        product: d.product,
        quantity: d.quantity,
        pricePaise: d.pricePaise,
        feesPaise: d.feesPaise,
        occurredAt: d.occurredAt,
        position: positionOf(event),
      };
      const day: StrategyDayDoc = current ?? {
        strategyId: d.strategyId,
        date,
        fills: [],
        cashChangePaise: 0,
        feesPaise: 0,
        turnoverPaise: 0,
        positions: [],
        accountIds: [],
        lastEventPosition: 0,
      };
      return addFill(day, fill, positionOf(event));
    }),
  ],
});
