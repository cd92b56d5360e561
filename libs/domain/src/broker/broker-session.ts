import type { IsoInstant } from '../common/types';
import { nextIstTimeOfDay, parseInstantMs } from '../market/ist';

/**
 * Kite Connect's access tokens expire every day around 06:00 IST (a regulatory requirement: a fresh login each
 * trading day). A session made by the daily login is taken as valid until then.
 */
export const KITE_TOKEN_EXPIRY_IST_MINUTES = 6 * 60;

/** When a Kite session made at `loggedInAt` expires: the next 06:00 IST after it. */
export function kiteSessionExpiry(loggedInAt: IsoInstant): IsoInstant {
  return nextIstTimeOfDay(loggedInAt, KITE_TOKEN_EXPIRY_IST_MINUTES);
}

/** What a broker session is at `now`: none stored, valid, or past its expiry. */
export type BrokerSessionState = 'absent' | 'connected' | 'expired';

export function brokerSessionState(session: { expiresAt: IsoInstant } | null, now: IsoInstant): BrokerSessionState {
  if (!session) return 'absent';
  const expires = parseInstantMs(session.expiresAt);
  const at = parseInstantMs(now);
  if (expires === null || at === null) return 'expired';
  return at < expires ? 'connected' : 'expired';
}
