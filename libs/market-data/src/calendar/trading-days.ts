import {
  InvalidCommand,
  isHoliday,
  marketPhase,
  NORMAL_MARKET_CLOSE_MINUTES,
  NORMAL_MARKET_OPEN_MINUTES,
  NSE_SESSIONS,
  parseHhMm,
  parseInstantMs,
  type IsoInstant,
  type IstDate,
  type MarketCalendar,
} from '@robo/domain';

/** NSE normal market (`HH:MM` IST, open inclusive, close exclusive): the domain's NSE_SESSIONS.OPEN. */
export const SESSION_OPEN: string = NSE_SESSIONS.OPEN.from;
export const SESSION_CLOSE: string = NSE_SESSIONS.OPEN.to;
/** Trading time in one session (375 minutes), and the trading year used to scale volatility (252 sessions). */
export const SESSION_SECONDS = (NORMAL_MARKET_CLOSE_MINUTES - NORMAL_MARKET_OPEN_MINUTES) * 60;
export const TRADING_DAYS_PER_YEAR = 252;

const DAY_MS = 86_400_000;

/** The instant of an IST wall-clock time on an IST date, as `YYYY-MM-DDTHH:MM:00+05:30`. */
export function istInstant(date: IstDate, hhmm: string): IsoInstant {
  if (parseHhMm(hhmm) === null) throw new InvalidCommand('INVALID_TIME', `expected HH:MM, got ${JSON.stringify(hhmm)}`);
  return `${date}T${hhmm}:00+05:30`;
}

/** Milliseconds of an instant; INVALID_TIME when it is not an ISO instant with an offset. */
export function instantMs(instant: IsoInstant): number {
  const ms = parseInstantMs(instant);
  if (ms === null) throw new InvalidCommand('INVALID_TIME', `not an ISO-8601 instant with an offset: ${JSON.stringify(instant)}`, { instant });
  return ms;
}

/** `YYYY-MM-DD` plus n calendar days. */
export function addDays(date: IstDate, days: number): IstDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday ... 6 = Saturday, of a calendar date. */
export function weekdayOf(date: IstDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** A weekday that is not an exchange holiday. */
export function isTradingDay(date: IstDate, calendar: MarketCalendar): boolean {
  const weekday = weekdayOf(date);
  return weekday !== 0 && weekday !== 6 && !isHoliday(date, calendar);
}

/** The trading day on or before `date` (an expiry on a holiday moves to the previous trading day). */
export function tradingDayOnOrBefore(date: IstDate, calendar: MarketCalendar): IstDate {
  let day = date;
  // A year without a trading day would be a broken calendar; stop rather than loop for ever.
  for (let i = 0; i < 366; i += 1) {
    if (isTradingDay(day, calendar)) return day;
    day = addDays(day, -1);
  }
  throw new InvalidCommand('INVALID_CALENDAR', `no trading day in the year before ${date}`);
}

/** The trading day strictly after `date`. */
export function nextTradingDay(date: IstDate, calendar: MarketCalendar): IstDate {
  let day = addDays(date, 1);
  for (let i = 0; i < 366; i += 1) {
    if (isTradingDay(day, calendar)) return day;
    day = addDays(day, 1);
  }
  throw new InvalidCommand('INVALID_CALENDAR', `no trading day in the year after ${date}`);
}

/** IST date and minute of day of an instant in milliseconds (IST is UTC+05:30, no daylight saving). */
function istWall(ms: number): { date: IstDate; minutes: number } {
  const wall = new Date(ms + 330 * 60_000);
  return { date: wall.toISOString().slice(0, 10), minutes: wall.getUTCHours() * 60 + wall.getUTCMinutes() };
}

/**
 * The first instant at or after `ms` at which the normal market is open: `ms` itself when it is, otherwise the next
 * 09:15 IST of a trading day (weekends and holidays skipped).
 */
export function nextOpenMs(ms: number, calendar: MarketCalendar): number {
  // Whether the market is open is the domain's marketPhase; only the next opening is found here.
  if (marketPhase(new Date(ms).toISOString(), calendar).phase === 'OPEN') return ms;
  const { date, minutes } = istWall(ms);
  if (isTradingDay(date, calendar) && minutes < NORMAL_MARKET_OPEN_MINUTES) return instantMs(istInstant(date, SESSION_OPEN));
  return instantMs(istInstant(nextTradingDay(date, calendar), SESSION_OPEN));
}

/** The close (15:30 IST) of the session an open instant belongs to. */
export function sessionCloseMs(ms: number): number {
  return instantMs(istInstant(istWall(ms).date, SESSION_CLOSE));
}
