import { statusAfterFill } from '@robo/domain';
import type { MatchableOrder, MatchResult } from './match-order';

/**
 * The order after a match, as the domain will record it: a trigger opens a stop order, fills add up, a full fill
 * ends it, an IOC fill expires the rest, an expiry ends it. The paper broker keeps its own book with it (as a real
 * broker does); the order stream stays the source of truth.
 */
export function applyMatch<T extends MatchableOrder>(order: T, result: MatchResult): T {
  let next: T = result.trigger ? { ...order, status: 'OPEN' } : order;
  for (const fill of result.fills) {
    const filledQuantity = next.filledQuantity + fill.quantity;
    next = {
      ...next,
      filledQuantity,
      fillIds: [...next.fillIds, fill.fillId],
      filledValuePaise: next.filledValuePaise + fill.quantity * fill.pricePaise,
      feesPaise: next.feesPaise + fill.feesPaise,
      status: statusAfterFill(next, filledQuantity),
    };
  }
  return result.expire ? { ...next, status: 'EXPIRED' } : next;
}
