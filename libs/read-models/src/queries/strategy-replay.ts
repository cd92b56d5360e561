import { decidePosition, evolvePosition, initialPositionState, istTradingDay, type IstDate, type PositionState } from '@robo/domain';
import type { StrategyDayDoc } from '../projections/strategy-performance.projection';
import { byText } from './equity-curve';
import type { LedgerDay, PerformanceTrade } from './performance.types';

export interface StrategyReplay {
  trades: PerformanceTrade[];
  /** Per date with fills: cash moved, realized P&L and charges, and what each instrument's virtual position did. */
  days: LedgerDay[];
}

/**
 * Rebuilds a strategy's virtual positions, one per instrument across all its accounts, by applying its fills in
 * log order (as the accounts' positions apply them; each fill's P&L is booked on its own business day) with the position domain itself (decidePosition/evolvePosition: average cost, cycles, the
 * same rounding as the accounts' positions). Fill ids are unique per order only, so they are keyed by order here,
 * as the settlement reactor keys them.
 */
export function replayStrategy(strategyId: string, days: readonly StrategyDayDoc[]): StrategyReplay {
  const positions = new Map<string, PositionState>();
  const trades: PerformanceTrade[] = [];
  // One ledger line per date with fills; the fills themselves are folded in log order (global position), the order
  // the accounts' positions fold them in, so a late report dated an earlier day realizes against the same average
  // cost in the strategy's book as in the account's (a back-dated fill changes its day's line, not the fold).
  const lines = new Map<string, { cash: number; realized: number; fees: number; changes: Map<string, { quantity: number; cost: number }> }>();
  const fills: { date: string; fill: StrategyDayDoc['fills'][number] }[] = [];
  for (const day of days) {
    if (day.strategyId !== strategyId) throw new RangeError(`a document of strategy ${day.strategyId} was passed for strategy ${strategyId}`);
    lines.set(day.date, { cash: 0, realized: 0, fees: 0, changes: new Map() });
    for (const fill of day.fills) fills.push({ date: day.date, fill });
  }
  fills.sort((a, b) => a.fill.position - b.fill.position || Date.parse(a.fill.occurredAt) - Date.parse(b.fill.occurredAt));
  for (const { date, fill } of fills) {
    const line = lines.get(date)!;
    const state = positions.get(fill.instrument) ?? initialPositionState;
    const events = decidePosition(
      {
        type: 'ApplyFill',
        data: {
          // One virtual book per strategy: the account a fill came from does not split it.
          accountId: strategyId,
          instrument: fill.instrument,
          orderId: fill.orderId,
          fillId: `${fill.orderId}:${fill.fillId}`,
          side: fill.side,
          quantity: fill.quantity,
          pricePaise: fill.pricePaise,
          feesPaise: fill.feesPaise,
          occurredAt: fill.occurredAt,
        },
      },
      state,
    );
    const after = events.reduce(evolvePosition, state);
    positions.set(fill.instrument, after);
    const change = line.changes.get(fill.instrument) ?? { quantity: 0, cost: 0 };
    line.changes.set(fill.instrument, { quantity: change.quantity + after.quantity - state.quantity, cost: change.cost + after.costBasisPaise - state.costBasisPaise });
    for (const event of events) {
      if (event.type === 'PositionReduced' || event.type === 'PositionClosed') line.realized += event.data.realizedNetPaise;
      if (event.type === 'PositionClosed') {
        const cycle = after.closedCycles.find((c) => c.cycle === event.data.cycle)!;
        trades.push({
          instrument: fill.instrument,
          openedAt: cycle.openedAt,
          closedAt: cycle.closedAt,
          realizedGrossPaise: cycle.realizedGrossPaise,
          feesPaise: cycle.feesPaise,
          realizedNetPaise: cycle.realizedNetPaise,
          cycle: cycle.cycle,
          direction: cycle.direction,
          maxQuantity: cycle.maxQuantity,
          closedOn: istTradingDay(cycle.closedAt),
        });
      }
    }
    const value = fill.quantity * fill.pricePaise;
    line.cash += (fill.side === 'SELL' ? value : -value) - fill.feesPaise;
    line.fees += fill.feesPaise;
  }
  const ledger: LedgerDay[] = [...lines.entries()]
    .sort(([a], [b]) => byText(a, b))
    .map(([date, line]) => ({
      date: date as IstDate,
      cashChangePaise: line.cash,
      flowsPaise: 0,
      positions: [...line.changes.entries()].map(([instrument, c]) => ({ instrument, quantityChange: c.quantity, costChangePaise: c.cost })),
      realizedNetPaise: line.realized,
      feesPaise: line.fees,
    }));
  return { trades, days: ledger };
}
