import type { Paise } from '../common/types';
import type { ExistingOrder } from './order.state';
import { isFinal, remainingQuantity } from './order.state';
import { valuationPrice } from './pre-trade-risk';

/** A working sell of one account in one instrument, as the cover re-evaluation sees it. */
export interface WorkingSell {
  orderId: string;
  openQuantity: number;
  /** Price its short units are valued at (its limit; the reference price for MARKET and SL-M). */
  valuationPricePaise: Paise;
  /** What the account holds for it now. */
  heldPaise: Paise;
}

export interface SellCoverPlan {
  /** Per sell whose reservation changes: the amount to add (> 0) or give back (< 0), releases first. */
  adjustments: { orderId: string; deltaPaise: Paise }[];
  /** Sells that lost their cover and whose new reservation buying power cannot hold: cancel them (their rest). */
  cancel: string[];
}

/** The working-sell view of an order, or null for a buy or an order that cannot fill any more. */
export function workingSellOf(order: ExistingOrder, referencePricePaise: Paise, heldPaise: Paise): WorkingSell | null {
  if (order.side !== 'SELL' || order.status === 'PLACED' || order.status === 'REJECTED' || isFinal(order.status)) return null;
  const openQuantity = remainingQuantity(order);
  if (openQuantity <= 0) return null;
  return { orderId: order.orderId, openQuantity, valuationPricePaise: valuationPrice(order, referencePricePaise), heldPaise };
}

/**
 * The reservation each working sell needs for the held position now: the held long is shared out to the sells in
 * the order they were placed (oldest first, which is how a new sell is decided: the long not already being sold
 * by the sells before it), and each sell holds the full value of the units the long does not cover.
 */
export function requiredSellReservations(positionQuantity: number, sells: readonly WorkingSell[]): Map<string, Paise> {
  let long = Math.max(0, positionQuantity);
  const required = new Map<string, Paise>();
  for (const sell of sells) {
    const covered = Math.min(sell.openQuantity, long);
    long -= covered;
    required.set(sell.orderId, (sell.openQuantity - covered) * sell.valuationPricePaise);
  }
  return required;
}

/**
 * Re-evaluates what the held long covers after anything that changes it or the sells: a fill (of a sell, which
 * uses up the long another sell counted on, or of a buy), a cancel, an expiry or a modification. Reservations are
 * brought to what each sell needs: what is no longer needed is given back, and what is newly needed is reserved
 * while buying power (after the give-backs) holds it. A sell whose new need buying power cannot hold is cancelled
 * rather than left to open a short with nothing reserved; its cover then goes to the sells after it.
 */
export function planSellCover(positionQuantity: number, sells: readonly WorkingSell[], buyingPowerPaise: Paise): SellCoverPlan {
  const cancel: string[] = [];
  let kept = [...sells];
  for (;;) {
    const required = requiredSellReservations(positionQuantity, kept);
    const deltas = kept.map((s) => ({ orderId: s.orderId, deltaPaise: (required.get(s.orderId) ?? 0) - s.heldPaise }));
    const freed = cancel.reduce((sum, id) => sum + (sells.find((s) => s.orderId === id)?.heldPaise ?? 0), 0);
    let available = buyingPowerPaise + freed - deltas.reduce((sum, d) => sum + Math.min(0, d.deltaPaise), 0);
    const short = deltas.find((d) => {
      if (d.deltaPaise <= 0) return false;
      if (d.deltaPaise <= available) {
        available -= d.deltaPaise;
        return false;
      }
      return true;
    });
    if (!short) {
      const adjustments = deltas.filter((d) => d.deltaPaise !== 0).sort((a, b) => a.deltaPaise - b.deltaPaise);
      return { adjustments, cancel };
    }
    cancel.push(short.orderId);
    kept = kept.filter((s) => s.orderId !== short.orderId);
  }
}
