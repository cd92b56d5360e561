import { createMarketCalendar, InvalidCommand, istTradingDay, type IsoInstant, type IstDate, type MarketCalendar, type Weekday } from '@robo/domain';
import { addDays, instantMs, istInstant, SESSION_CLOSE, tradingDayOnOrBefore, weekdayOf } from '../calendar/trading-days';

/**
 * When index options expire. NSE has moved the weekly expiry weekday more than once (Thursday for years, Tuesday for
 * NIFTY from September 2025), so the weekday is configuration. An expiry that falls on a holiday moves to the
 * previous trading day. The monthly expiry is the last expiry weekday of the month, shifted the same way.
 */
export interface ExpiryRules {
  /** 0 = Sunday ... 6 = Saturday; default 2 (Tuesday). */
  weekday?: Weekday;
  calendar?: MarketCalendar;
}

export type ExpiryKind = 'WEEKLY' | 'MONTHLY';

export interface Expiry {
  date: IstDate;
  kind: ExpiryKind;
}

/** Contracts trade until the close of their expiry day. */
export const EXPIRY_TIME = SESSION_CLOSE;

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;

function resolve(rules: ExpiryRules): { weekday: Weekday; calendar: MarketCalendar } {
  const weekday = rules.weekday ?? 2;
  if (!Number.isInteger(weekday) || weekday < 0 || weekday > 6) throw new InvalidCommand('EXPIRY_WEEKDAY_INVALID', `expiry weekday must be 0..6, got ${weekday}`);
  return { weekday, calendar: rules.calendar ?? createMarketCalendar() };
}

/** The instant a contract expiring on `expiry` stops trading: 15:30 IST that day. */
export function expiryInstant(expiry: IstDate): IsoInstant {
  return istInstant(expiry, EXPIRY_TIME);
}

/** Calendar time from `now` to the expiry instant, in years of 365 days; 0 once expired. */
export function yearsToExpiry(now: IsoInstant, expiry: IstDate): number {
  return Math.max(0, instantMs(expiryInstant(expiry)) - instantMs(now)) / YEAR_MS;
}

function requireCount(count: number): void {
  if (!Number.isSafeInteger(count) || count < 0 || count > 520) throw new InvalidCommand('EXPIRY_COUNT_INVALID', `count must be an integer from 0 to 520, got ${count}`);
}

const isLive = (now: IsoInstant, expiry: IstDate) => instantMs(expiryInstant(expiry)) > instantMs(now);

/** The monthly expiry of a month (`YYYY-MM`): its last expiry weekday, moved back to a trading day. */
export function monthlyExpiry(month: string, rules: ExpiryRules = {}): IstDate {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new InvalidCommand('MONTH_INVALID', `expected YYYY-MM, got ${JSON.stringify(month)}`);
  const { weekday, calendar } = resolve(rules);
  const [year, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(year, m, 0)).toISOString().slice(0, 10);
  const back = (weekdayOf(last) - weekday + 7) % 7;
  return tradingDayOnOrBefore(addDays(last, -back), calendar);
}

/** The next `count` weekly expiries still trading at `now` (today's counts until 15:30 IST). */
export function weeklyExpiries(now: IsoInstant, count: number, rules: ExpiryRules = {}): IstDate[] {
  requireCount(count);
  const { weekday, calendar } = resolve(rules);
  const today = istTradingDay(now);
  let nominal = addDays(today, (weekday - weekdayOf(today) + 7) % 7);
  const found: IstDate[] = [];
  while (found.length < count) {
    const date = tradingDayOnOrBefore(nominal, calendar);
    if (isLive(now, date) && found[found.length - 1] !== date) found.push(date);
    nominal = addDays(nominal, 7);
  }
  return found;
}

/** The next `count` monthly expiries still trading at `now`. */
export function monthlyExpiries(now: IsoInstant, count: number, rules: ExpiryRules = {}): IstDate[] {
  requireCount(count);
  const found: IstDate[] = [];
  let month = istTradingDay(now).slice(0, 7);
  while (found.length < count) {
    const date = monthlyExpiry(month, rules);
    if (isLive(now, date)) found.push(date);
    month = nextMonth(month);
  }
  return found;
}

/**
 * Upcoming expiries, nearest first: `weekly` weekly ones and `monthly` monthly ones. A weekly date that is also the
 * monthly expiry is listed once, as MONTHLY (it is the same contract).
 */
export function upcomingExpiries(now: IsoInstant, counts: { weekly: number; monthly: number }, rules: ExpiryRules = {}): Expiry[] {
  const monthly = new Set(monthlyExpiries(now, counts.monthly, rules));
  const byDate = new Map<IstDate, ExpiryKind>();
  for (const date of weeklyExpiries(now, counts.weekly, rules)) byDate.set(date, 'WEEKLY');
  for (const date of monthly) byDate.set(date, 'MONTHLY');
  // A weekly that is a monthly beyond the requested monthly count is still the month's contract.
  for (const [date] of byDate) if (monthlyExpiry(date.slice(0, 7), rules) === date) byDate.set(date, 'MONTHLY');
  return [...byDate.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([date, kind]) => ({ date, kind }));
}

function nextMonth(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
}
