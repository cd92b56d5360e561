import { InvalidCommand, assertNever } from '../common/errors';
import type { IsoInstant, IstDate } from '../common/types';
import type { Segment } from '../instruments/instrument';
import type { ClosedReason, MarketCalendar, MarketPhase } from './calendar';
import { DEFAULT_NSE_HOLIDAYS } from './holidays';
import { formatHhMm, isIsoDate, parseHhMm, toIst } from './ist';

/** The default intraday (MIS) square-off cut-offs, `HH:MM` IST: equity 15:20 (at a large broker), F&O 15:25. */
export const DEFAULT_MIS_CUTOFFS = { equity: '15:20', derivatives: '15:25' } as const;

export interface MarketCalendarOptions {
  holidays?: readonly IstDate[];
  /** `HH:MM` IST; default DEFAULT_MIS_CUTOFFS.equity. */
  misCutoffEquity?: string;
  /** `HH:MM` IST; default DEFAULT_MIS_CUTOFFS.derivatives. */
  misCutoffDerivatives?: string;
}

export interface PhaseAt {
  phase: MarketPhase;
  /** Set only when the phase is CLOSED. */
  closedReason?: ClosedReason;
  istDate: IstDate;
  istTime: string;
}

/**
 * NSE sessions, IST wall-clock `HH:MM`, start inclusive and end exclusive: pre-open order entry, the normal market,
 * the closing session. The one home of the market's hours: everything else (the DAY expiry, the paper broker, the
 * simulated market's trading days) derives from these.
 */
export const NSE_SESSIONS = {
  PRE_OPEN: { from: '09:00', to: '09:08' },
  OPEN: { from: '09:15', to: '15:30' },
  CLOSING: { from: '15:40', to: '16:00' },
} as const satisfies Record<Exclude<MarketPhase, 'CLOSED'>, { from: string; to: string }>;

/** The normal market in IST minutes since midnight: open inclusive, close exclusive. */
export const NORMAL_MARKET_OPEN_MINUTES = hhmm(NSE_SESSIONS.OPEN.from);
export const NORMAL_MARKET_CLOSE_MINUTES = hhmm(NSE_SESSIONS.OPEN.to);

const SESSIONS: readonly { phase: Exclude<MarketPhase, 'CLOSED'>; from: number; to: number }[] = (['PRE_OPEN', 'OPEN', 'CLOSING'] as const).map((phase) => ({
  phase,
  from: hhmm(NSE_SESSIONS[phase].from),
  to: hhmm(NSE_SESSIONS[phase].to),
}));

/** `HH:MM` IST `minutes` after (or, negative, before) the IST time `from`, itself `HH:MM`: times derived from the market's hours. */
export function istTimeOffset(from: string, minutes: number): string {
  return formatHhMm(hhmm(from) + minutes);
}

function hhmm(value: string): number {
  const minutes = parseHhMm(value);
  if (minutes === null) throw new Error(`bad session time ${value}`);
  return minutes;
}

/** True once the normal market of the IST day of `since` has closed: at its close that day, or on any later day. */
export function normalMarketClosedSince(since: IsoInstant, now: IsoInstant): boolean {
  const day = toIst(since).date;
  const at = toIst(now);
  return at.date > day || (at.date === day && at.minutes >= NORMAL_MARKET_CLOSE_MINUTES);
}

function cutoff(value: string, field: string): string {
  minutesOf(value, field);
  return value;
}

/** Builds a calendar; holidays default to DEFAULT_NSE_HOLIDAYS when omitted (pass [] for none). */
export function createMarketCalendar(options: MarketCalendarOptions = {}): MarketCalendar {
  const holidays = options.holidays ?? DEFAULT_NSE_HOLIDAYS;
  const bad = holidays.filter((day) => !isIsoDate(day));
  if (bad.length > 0) {
    throw new InvalidCommand('INVALID_CALENDAR', `holidays must be YYYY-MM-DD dates: ${bad.join(', ')}`, { holidays: bad });
  }
  return {
    holidays: new Set(holidays),
    misCutoffEquity: cutoff(options.misCutoffEquity ?? DEFAULT_MIS_CUTOFFS.equity, 'misCutoffEquity'),
    misCutoffDerivatives: cutoff(options.misCutoffDerivatives ?? DEFAULT_MIS_CUTOFFS.derivatives, 'misCutoffDerivatives'),
  };
}

export function isHoliday(date: IstDate, calendar: MarketCalendar): boolean {
  const { holidays } = calendar;
  return holidays instanceof Set ? holidays.has(date) : (holidays as readonly IstDate[]).includes(date);
}

/** The NSE phase at an instant, computed on the IST wall clock (never UTC or server local time). */
export function marketPhase(instant: IsoInstant, calendar: MarketCalendar): PhaseAt {
  const ist = toIst(instant);
  const at = { istDate: ist.date, istTime: formatHhMm(ist.minutes) };
  // A holiday that falls on a weekend is reported as WEEKEND: the weekend is the stronger reason.
  if (ist.weekday === 0 || ist.weekday === 6) return { phase: 'CLOSED', closedReason: 'WEEKEND', ...at };
  if (isHoliday(ist.date, calendar)) return { phase: 'CLOSED', closedReason: 'HOLIDAY', ...at };
  const session = SESSIONS.find((s) => ist.minutes >= s.from && ist.minutes < s.to);
  return session ? { phase: session.phase, ...at } : { phase: 'CLOSED', closedReason: 'OUTSIDE_HOURS', ...at };
}

/**
 * True from the segment's MIS cut-off (inclusive) to IST midnight. Only the time of day is
 * looked at: whether the market trades that day is marketPhase's question.
 */
export function isMisCutoffPassed(instant: IsoInstant, segment: Segment, calendar: MarketCalendar): boolean {
  const { minutes } = toIst(instant);
  return minutes >= cutoffMinutes(segment, calendar);
}

function cutoffMinutes(segment: Segment, calendar: MarketCalendar): number {
  switch (segment) {
    case 'EQ':
      return minutesOf(calendar.misCutoffEquity, 'misCutoffEquity');
    case 'FUT':
    case 'OPT':
      return minutesOf(calendar.misCutoffDerivatives, 'misCutoffDerivatives');
    default:
      return assertNever(segment);
  }
}

// A calendar may be built by hand (it is a plain interface), so its cut-offs are checked at use too.
function minutesOf(value: string, field: string): number {
  const minutes = parseHhMm(value);
  if (minutes === null) {
    throw new InvalidCommand('INVALID_CALENDAR', `${field} must be HH:MM, got ${JSON.stringify(value)}`, { [field]: value });
  }
  return minutes;
}
