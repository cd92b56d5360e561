import { createMarketCalendar, InstrumentCatalog, parseExpiryRules } from '@robo/domain';
import { expiryInstant, monthlyExpiries, monthlyExpiry, upcomingExpiries, weeklyExpiries, yearsToExpiry } from './expiries';

const calendar = createMarketCalendar({ holidays: [] });
const rulesOf = (symbol: string) => new InstrumentCatalog().indices().find((i) => i.symbol === symbol)!.expiryRules;
const nifty = { rules: rulesOf('NIFTY'), calendar };
const banknifty = { rules: rulesOf('BANKNIFTY'), calendar };

describe('weekly expiries', () => {
  it('default to Tuesdays, nearest first', () => {
    // Friday 20 Nov 2026 -> Tuesdays 24 Nov, 1 Dec, 8 Dec
    expect(weeklyExpiries('2026-11-20T10:00:00+05:30', 3, { calendar })).toEqual(['2026-11-24', '2026-12-01', '2026-12-08']);
  });

  it('include today until 15:30 IST, not after', () => {
    expect(weeklyExpiries('2026-11-24T15:29:00+05:30', 1, { calendar })).toEqual(['2026-11-24']);
    expect(weeklyExpiries('2026-11-24T15:30:00+05:30', 1, { calendar })).toEqual(['2026-12-01']);
  });

  it('move to the previous trading day when the expiry day is a holiday', () => {
    const holidays = createMarketCalendar({ holidays: ['2026-11-24', '2026-12-01', '2026-11-30'] });
    // 24 Nov (Tue) holiday -> Mon 23 Nov; 1 Dec (Tue) and 30 Nov (Mon) holidays -> Fri 27 Nov
    expect(weeklyExpiries('2026-11-20T10:00:00+05:30', 3, { calendar: holidays })).toEqual(['2026-11-23', '2026-11-27', '2026-12-08']);
  });

  it('take the weekday from configuration (Thursday, as NSE used before)', () => {
    expect(weeklyExpiries('2026-11-20T10:00:00+05:30', 2, { calendar, weekday: 4 })).toEqual(['2026-11-26', '2026-12-03']);
  });

  it('refuses a weekday outside 0..6 and a negative count', () => {
    expect(() => weeklyExpiries('2026-11-20T10:00:00+05:30', 1, { weekday: 7 as never })).toThrow(expect.objectContaining({ code: 'EXPIRY_WEEKDAY_INVALID' }));
    expect(() => weeklyExpiries('2026-11-20T10:00:00+05:30', -1)).toThrow(expect.objectContaining({ code: 'EXPIRY_COUNT_INVALID' }));
  });
});

describe('monthly expiries', () => {
  it('are the last expiry weekday of the month', () => {
    expect(monthlyExpiry('2026-11', { calendar })).toBe('2026-11-24');
    expect(monthlyExpiry('2026-12', { calendar })).toBe('2026-12-29');
    expect(monthlyExpiry('2026-09', { calendar })).toBe('2026-09-29'); // 30 Sep is a Wednesday
    expect(monthlyExpiry('2026-11', { calendar, weekday: 4 })).toBe('2026-11-26');
  });

  it('move back over a holiday, and roll to the next month once expired', () => {
    expect(monthlyExpiry('2026-12', { calendar: createMarketCalendar({ holidays: ['2026-12-29'] }) })).toBe('2026-12-28');
    expect(monthlyExpiries('2026-11-24T15:30:00+05:30', 2, { calendar })).toEqual(['2026-12-29', '2027-01-26']);
  });

  it('upcoming expiries mark the month\'s last one MONTHLY and list it once', () => {
    expect(upcomingExpiries('2026-11-20T10:00:00+05:30', { weekly: 2, monthly: 2 }, { calendar })).toEqual([
      { date: '2026-11-24', kind: 'MONTHLY' },
      { date: '2026-12-01', kind: 'WEEKLY' },
      { date: '2026-12-29', kind: 'MONTHLY' },
    ]);
    expect(() => monthlyExpiry('2026-13')).toThrow(expect.objectContaining({ code: 'MONTH_INVALID' }));
  });
});

describe('time to expiry', () => {
  it('counts calendar time to 15:30 IST of the expiry day in 365-day years, and 0 once expired', () => {
    expect(expiryInstant('2026-11-24')).toBe('2026-11-24T15:30:00+05:30');
    expect(yearsToExpiry('2026-11-17T15:30:00+05:30', '2026-11-24')).toBeCloseTo(7 / 365, 15);
    expect(yearsToExpiry('2026-11-24T09:30:00+05:30', '2026-11-24')).toBeCloseTo(6 / 24 / 365, 15);
    expect(yearsToExpiry('2026-11-24T16:00:00+05:30', '2026-11-24')).toBe(0);
  });
});

describe('expiries from the dated rules', () => {
  it('NIFTY: Thursday weeklies up to 28 Aug 2025, Tuesday ones from 1 Sep 2025', () => {
    // Wednesday 20 Aug 2025 -> Thu 21 Aug, Thu 28 Aug, then Tue 2 Sep, Tue 9 Sep
    expect(weeklyExpiries('2025-08-20T10:00:00+05:30', 4, nifty)).toEqual(['2025-08-21', '2025-08-28', '2025-09-02', '2025-09-09']);
    expect(monthlyExpiry('2025-08', nifty)).toBe('2025-08-28');
    expect(monthlyExpiry('2025-09', nifty)).toBe('2025-09-30');
    // the default is NIFTY's bundled rules
    expect(weeklyExpiries('2025-08-20T10:00:00+05:30', 4, { calendar })).toEqual(['2025-08-21', '2025-08-28', '2025-09-02', '2025-09-09']);
  });

  it('BANKNIFTY lists no weekly contracts since November 2024: only monthly expiries, on the last Tuesday', () => {
    expect(weeklyExpiries('2026-11-20T10:00:00+05:30', 4, banknifty)).toEqual([]);
    expect(upcomingExpiries('2026-11-20T10:00:00+05:30', { weekly: 4, monthly: 3 }, banknifty)).toEqual([
      { date: '2026-11-24', kind: 'MONTHLY' },
      { date: '2026-12-29', kind: 'MONTHLY' },
      { date: '2027-01-26', kind: 'MONTHLY' },
    ]);
    // before the Tuesday move its monthly was the last Thursday
    expect(monthlyExpiry('2025-07', banknifty)).toBe('2025-07-31');
  });

  it('NIFTY offers four weeklies and the monthlies, the month\'s last Tuesday listed once as MONTHLY', () => {
    expect(upcomingExpiries('2026-11-20T10:00:00+05:30', { weekly: 4, monthly: 3 }, nifty)).toEqual([
      { date: '2026-11-24', kind: 'MONTHLY' },
      { date: '2026-12-01', kind: 'WEEKLY' },
      { date: '2026-12-08', kind: 'WEEKLY' },
      { date: '2026-12-15', kind: 'WEEKLY' },
      { date: '2026-12-29', kind: 'MONTHLY' },
      { date: '2027-01-26', kind: 'MONTHLY' },
    ]);
  });

  it('a monthly expiry on a holiday moves to the previous trading day under the rules too', () => {
    // 29 Dec 2026 (last Tuesday) a holiday -> Monday 28 Dec
    expect(monthlyExpiry('2026-12', { ...banknifty, calendar: createMarketCalendar({ holidays: ['2026-12-29'] }) })).toBe('2026-12-28');
  });

  it('a month no rule covers has no expiry here; a later rule table is followed from its first day', () => {
    expect(() => monthlyExpiry('2024-10', banknifty)).toThrow(expect.objectContaining({ code: 'EXPIRY_RULE_UNKNOWN' }));
    // before the table starts the search moves on to the first covered expiry: 28 Nov 2024 (last Thursday)
    expect(monthlyExpiries('2024-10-15T10:00:00+05:30', 1, banknifty)).toEqual(['2024-11-28']);
    const rules = parseExpiryRules([
      { underlying: 'X', fromExpiry: '2026-01-01', weekly: false, weekday: 2, source: 'test' },
      { underlying: 'X', fromExpiry: '2027-01-01', weekly: true, weekday: 1, source: 'test' },
    ]);
    // monthly-only in 2026, Monday weeklies from 2027
    expect(weeklyExpiries('2026-12-20T10:00:00+05:30', 2, { rules, calendar })).toEqual(['2027-01-04', '2027-01-11']);
  });
});
