import { istTradingDay, isMisCutoffPassed, marketPhase, type IsoInstant, type MarketCalendar, type Product, type Segment } from '@robo/domain';
import { deterministicId } from '../ids';
import type { OrderIntent } from '../strategies/order-intent';

/** An open position as the square-off needs it (signed quantity: long +, short -). */
export interface SquareOffPosition {
  accountId: string;
  instrument: string;
  segment: Segment;
  product: Product;
  quantity: number;
  /** The position's cycle (PositionState.cycle): a position reopened after a square-off is squared off again. */
  cycle: number;
  /** The strategy that holds it, if any (so the exit is filed under it). */
  strategyId?: string | null;
}

/**
 * The broker's intraday square-off: once the segment's MIS cut-off has passed (15:20 IST equity, 15:25
 * derivatives, from the calendar), every open MIS position is flattened with a MARKET order on the other side.
 * Orders are only proposed while the normal market is open (they could not execute otherwise). The client order id
 * names the account, instrument, trading day and cycle, so running the square-off on every tick proposes the same
 * order, which the api refuses as a duplicate instead of doubling it.
 */
export function squareOffOrders(positions: readonly SquareOffPosition[], now: IsoInstant, calendar: MarketCalendar): OrderIntent[] {
  if (marketPhase(now, calendar).phase !== 'OPEN') return [];
  const day = istTradingDay(now);
  return positions
    .filter((p) => p.product === 'MIS' && p.quantity !== 0 && isMisCutoffPassed(now, p.segment, calendar))
    .map((p) => ({
      kind: 'PLACE',
      clientOrderId: deterministicId('sqoff', p.accountId, p.instrument, day, `c${p.cycle}`),
      accountId: p.accountId,
      instrument: p.instrument,
      side: p.quantity > 0 ? 'SELL' : 'BUY',
      quantity: Math.abs(p.quantity),
      orderType: 'MARKET',
      limitPricePaise: null,
      triggerPricePaise: null,
      product: 'MIS',
      validity: 'IOC',
      strategyId: p.strategyId ?? null,
      reason: `MIS square-off after the ${p.segment === 'EQ' ? 'equity' : 'derivatives'} cut-off`,
    }));
}
