import {
  createMarketCalendar,
  DEFAULT_CATALOG_DATA,
  expiryRuleOn,
  InvalidCommand,
  istTradingDay,
  type ExpiryRule,
  type IsoInstant,
  type IstDate,
  type MarketCalendar,
  type Weekday,
} from '@robo/domain';
import { addDays, instantMs, istInstant, SESSION_CLOSE, tradingDayOnOrBefore, weekdayOf } from '../calendar/trading-days';

/**
 * Which expiries an index lists comes from its dated expiry rules (IndexData.expiryRules, from the domain's
 * data/expiry-rules.json or EXPIRY_RULES_FILE): since 20 Nov 2024 NSE lists weekly contracts on NIFTY only, and its
 * expiry weekday moved from Thursday to Tuesday for expiries from 1 Sep 2025. An expiry that falls on a holiday
 * moves to the previous trading day. The monthly expiry is the last expiry weekday of the month, shifted the same way.
 */
export interface ExpiryOptions {
  /** The index's dated rules; default NIFTY's bundled rules. */
  rules?: readonly ExpiryRule[];
  /** A fixed weekday with weekly contracts, instead of the rules (0 = Sunday ... 6 = Saturday). */
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

const NIFTY_RULES: readonly ExpiryRule[] = DEFAULT_CATALOG_DATA.indices.find((i) => i.symbol === 'NIFTY')?.expiryRules ?? [];
/** How far ahead a search for expiries looks before giving up (a table that starts decades away is no use). */
const HORIZON_DAYS = 20 * 366;

function resolve(options: ExpiryOptions): { rules: readonly ExpiryRule[]; calendar: MarketCalendar } {
  const calendar = options.calendar ?? createMarketCalendar();
  if (options.weekday === undefined) {
    const rules = [...(options.rules ?? NIFTY_RULES)].sort((a, b) => a.fromExpiry.localeCompare(b.fromExpiry));
    if (rules.length === 0) throw new InvalidCommand('EXPIRY_RULE_UNKNOWN', 'no expiry rules for this index');
    return { rules, calendar };
  }
  const weekday = options.weekday;
  if (!Number.isInteger(weekday) || weekday < 0 || weekday > 6) throw new InvalidCommand('EXPIRY_WEEKDAY_INVALID', `expiry weekday must be 0..6, got ${weekday}`);
  return { rules: [{ fromExpiry: '0001-01-01', weekly: true, weekday, source: 'a fixed weekday' }], calendar };
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

/**
 * The monthly expiry of a month (`YYYY-MM`): the last day of the month that is the expiry weekday of the rule in force
 * on it, moved back to a trading day. EXPIRY_RULE_UNKNOWN when no rule covers the month.
 */
export function monthlyExpiry(month: string, options: ExpiryOptions = {}): IstDate {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new InvalidCommand('MONTH_INVALID', `expected YYYY-MM, got ${JSON.stringify(month)}`);
  const { rules, calendar } = resolve(options);
  const nominal = nominalMonthly(month, rules);
  if (nominal === null) throw new InvalidCommand('EXPIRY_RULE_UNKNOWN', `no expiry rule covers ${month}`, { month });
  return tradingDayOnOrBefore(nominal, calendar);
}

function nominalMonthly(month: string, rules: readonly ExpiryRule[]): IstDate | null {
  const [year, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(year, m, 0)).toISOString().slice(0, 10);
  for (let day = last; day.startsWith(month); day = addDays(day, -1)) {
    const rule = expiryRuleOn(rules, day);
    if (rule !== null && weekdayOf(day) === rule.weekday) return day;
  }
  return null;
}

/**
 * The next `count` weekly expiries still trading at `now` (today's counts until 15:30 IST): every expiry weekday on
 * which the rule in force lists weekly contracts. Fewer (none for BANKNIFTY today) when the index lists no more.
 */
export function weeklyExpiries(now: IsoInstant, count: number, options: ExpiryOptions = {}): IstDate[] {
  requireCount(count);
  const { rules, calendar } = resolve(options);
  const lastRule = rules[rules.length - 1];
  const found: IstDate[] = [];
  let day = istTradingDay(now);
  for (let i = 0; found.length < count && i < HORIZON_DAYS; i += 1, day = addDays(day, 1)) {
    const rule = expiryRuleOn(rules, day);
    if (rule === null) continue;
    // From the last rule on nothing changes: without weekly contracts there will be none.
    if (!rule.weekly && rule === lastRule) break;
    if (!rule.weekly || weekdayOf(day) !== rule.weekday) continue;
    const date = tradingDayOnOrBefore(day, calendar);
    if (isLive(now, date) && found[found.length - 1] !== date) found.push(date);
  }
  return found;
}

/** The next `count` monthly expiries still trading at `now` (months no rule covers are skipped). */
export function monthlyExpiries(now: IsoInstant, count: number, options: ExpiryOptions = {}): IstDate[] {
  requireCount(count);
  const { rules, calendar } = resolve(options);
  const found: IstDate[] = [];
  let month = istTradingDay(now).slice(0, 7);
  for (let i = 0; found.length < count && i < HORIZON_DAYS / 28; i += 1, month = nextMonth(month)) {
    const nominal = nominalMonthly(month, rules);
    if (nominal === null) continue;
    const date = tradingDayOnOrBefore(nominal, calendar);
    if (isLive(now, date)) found.push(date);
  }
  return found;
}

/**
 * Upcoming expiries, nearest first: `weekly` weekly ones and `monthly` monthly ones. A weekly date that is also the
 * monthly expiry is listed once, as MONTHLY (it is the same contract).
 */
export function upcomingExpiries(now: IsoInstant, counts: { weekly: number; monthly: number }, options: ExpiryOptions = {}): Expiry[] {
  const monthly = new Set(monthlyExpiries(now, counts.monthly, options));
  const byDate = new Map<IstDate, ExpiryKind>();
  for (const date of weeklyExpiries(now, counts.weekly, options)) byDate.set(date, 'WEEKLY');
  for (const date of monthly) byDate.set(date, 'MONTHLY');
  // A weekly that is a monthly beyond the requested monthly count is still the month's contract.
  for (const [date] of byDate) if (monthlyExpiry(date.slice(0, 7), options) === date) byDate.set(date, 'MONTHLY');
  return [...byDate.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([date, kind]) => ({ date, kind }));
}

function nextMonth(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
}
