import { parseInstantMs, toIst, type IstDate } from '@robo/domain';

/**
 * The IST calendar date of a business time, or null when the text is not an instant. Projections must not throw on
 * a malformed field of an old event (it would stall them), so the caller decides what a missing date means.
 */
export function istDateOf(instant: unknown): IstDate | null {
  if (typeof instant !== 'string' || parseInstantMs(instant) === null) return null;
  return toIst(instant).date;
}

const IST_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A `YYYY-MM-DD` field carried by an event (CashSettled.tradingDay), or null when it is not one. */
export function istDateField(value: unknown): IstDate | null {
  return typeof value === 'string' && IST_DATE.test(value) ? value : null;
}

/** Instants with different offsets compared as instants; NaN (malformed) sorts first so a valid time wins. */
export function instantMs(instant: string): number {
  return parseInstantMs(instant) ?? Number.NEGATIVE_INFINITY;
}
