import type { IstDate } from '../common/types';

export type MarketPhase = 'PRE_OPEN' | 'OPEN' | 'CLOSING' | 'CLOSED';
export type ClosedReason = 'WEEKEND' | 'HOLIDAY' | 'OUTSIDE_HOURS';

/** Exchange calendar as data: holidays are configuration, not code. */
export interface MarketCalendar {
  holidays: ReadonlySet<IstDate> | readonly IstDate[];
  /** Intraday (MIS) cut-offs, `HH:MM` IST, per segment family. */
  misCutoffEquity: string;
  misCutoffDerivatives: string;
}
