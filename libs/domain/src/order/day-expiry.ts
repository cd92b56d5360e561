import type { IsoInstant } from '../common/types';
import { normalMarketClosedSince } from '../market/market-calendar';

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
