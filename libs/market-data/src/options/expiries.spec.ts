import { createMarketCalendar } from '@robo/domain';
import { expiryInstant, monthlyExpiries, monthlyExpiry, upcomingExpiries, weeklyExpiries, yearsToExpiry } from './expiries';

const calendar = createMarketCalendar({ holidays: [] });

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
