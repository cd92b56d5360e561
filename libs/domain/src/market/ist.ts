import { InvalidCommand } from '../common/errors';
import type { IsoInstant, IstDate } from '../common/types';

export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** An instant seen on an Indian wall clock. */
export interface IstClock {
  date: IstDate;
  /** Whole minutes since IST midnight (seconds are dropped, which keeps end-exclusive boundaries exact). */
  minutes: number;
  /** 0 = Sunday ... 6 = Saturday. */
  weekday: Weekday;
}

/** IST is UTC+05:30 all year: India has no daylight saving. */
const IST_OFFSET_MS = (5 * 60 + 30) * 60_000;

// Date.parse also accepts 2026-02-30 (rolls over), hour 24 and strings without an offset (read as
// server local time), so the shape and the field ranges are checked here first.
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** True when `value` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function invalid(instant: string): InvalidCommand {
  return new InvalidCommand('INVALID_TIME', `not an ISO-8601 instant with an offset: ${JSON.stringify(instant)}`, { instant });
}

/**
 * Milliseconds since the epoch of an ISO-8601 instant written with `Z` or an offset, or null when the string is
 * not one (wrong shape, impossible date or time, no offset). Pure: the same string always gives the same answer,
 * whatever the server's time zone, because strings without an offset are refused rather than read as local time.
 */
export function parseInstantMs(instant: string): number | null {
  const match = typeof instant === 'string' ? ISO_INSTANT.exec(instant) : null;
  if (!match) return null;
  const [hour, minute, second] = [Number(match[4]), Number(match[5]), Number(match[6] ?? 0)];
  const [offsetHours, offsetMinutes] = [Number(match[7] ?? 0), Number(match[8] ?? 0)];
  const fieldsValid =
    isIsoDate(instant.slice(0, 10)) && hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= 23 && offsetMinutes <= 59;
  const utcMs = Date.parse(instant);
  return !fieldsValid || Number.isNaN(utcMs) ? null : utcMs;
}

/**
 * The same instant as a UTC string `YYYY-MM-DDTHH:mm:ss.sssZ` (null when not a valid instant). Strings of this one
 * shape sort as the instants do, so they can be compared and range-filtered as text; `+05:30` strings cannot.
 */
export function toUtcIso(instant: string): string | null {
  const ms = parseInstantMs(instant);
  return ms === null ? null : new Date(ms).toISOString();
}

/** Converts an ISO-8601 instant (with `Z` or an offset) to the IST calendar date, minute of day and weekday. */
export function toIst(instant: IsoInstant): IstClock {
  const utcMs = parseInstantMs(instant);
  if (utcMs === null) throw invalid(instant);
  const wall = new Date(utcMs + IST_OFFSET_MS);
  return {
    date: wall.toISOString().slice(0, 10),
    minutes: wall.getUTCHours() * 60 + wall.getUTCMinutes(),
    weekday: wall.getUTCDay() as Weekday,
  };
}

/** The first instant strictly after `at` whose IST wall clock reads `minutesOfDay` (as a UTC ISO string). */
export function nextIstTimeOfDay(at: IsoInstant, minutesOfDay: number): IsoInstant {
  const utcMs = parseInstantMs(at);
  if (utcMs === null) throw invalid(at);
  const wallMs = utcMs + IST_OFFSET_MS;
  const dayMs = 86_400_000;
  let candidate = Math.floor(wallMs / dayMs) * dayMs + minutesOfDay * 60_000;
  if (candidate <= wallMs) candidate += dayMs;
  return new Date(candidate - IST_OFFSET_MS).toISOString();
}

/** The IST calendar date (the trading day) of an instant. */
export function istTradingDay(instant: IsoInstant): IstDate {
  return toIst(instant).date;
}

/** `HH:MM` (00:00-23:59) to minutes since midnight; null when malformed. */
export function parseHhMm(value: string): number | null {
  const match = /^(\d{2}):(\d{2})$/.exec(value);
  if (!match) return null;
  const [hours, minutes] = [Number(match[1]), Number(match[2])];
  return hours <= 23 && minutes <= 59 ? hours * 60 + minutes : null;
}

export function formatHhMm(minutes: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}
