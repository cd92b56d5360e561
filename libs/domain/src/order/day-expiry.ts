import type { IsoInstant, Validity } from '../common/types';
import { normalMarketClosedSince } from '../market/market-calendar';
import { isWorking, type OrderStatus, WORKING_STATUSES } from './order.state';

/** The reason recorded on a DAY order's expiry, by the expiry sweep and the paper broker alike. */
export const DAY_EXPIRY_REASON = 'end of day (DAY validity)';
/** The reason recorded when the unfilled rest of an IOC order expires. */
export const IOC_EXPIRY_REASON = 'IOC remainder';

/**
 * A DAY order lives until the normal market closes (NSE_SESSIONS.OPEN.to, 15:30 IST) on the IST day it was placed:
 * from then on, that day or any later one, its rest expires. The one home of the rule: the expiry sweep and the
 * paper broker call it.
 */
export function dayOrderExpired(placedAt: IsoInstant, now: IsoInstant): boolean {
  return normalMarketClosedSince(placedAt, now);
}

/**
 * The orders the close can expire: working ones of DAY validity (an IOC order never outlives its own fill attempt).
 * The expiry sweep's read-model filter is built from this, and expiresAtClose applies it to one order.
 */
export const EXPIRES_AT_CLOSE = { statuses: WORKING_STATUSES, validity: 'DAY' } as const satisfies { statuses: readonly OrderStatus[]; validity: Validity };

export function expiresAtClose(order: { status: OrderStatus | 'NONE'; validity: Validity }): boolean {
  return isWorking(order.status) && order.validity === EXPIRES_AT_CLOSE.validity;
}

/** Whether the order is one the close expires and its session is over at `now` (dayOrderExpired). */
export function expiredAtClose(order: { status: OrderStatus | 'NONE'; validity: Validity; placedAt: IsoInstant }, now: IsoInstant): boolean {
  return expiresAtClose(order) && dayOrderExpired(order.placedAt, now);
}
