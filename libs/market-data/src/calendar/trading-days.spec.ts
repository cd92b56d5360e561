import { createMarketCalendar } from '@robo/domain';
import { addDays, instantMs, isTradingDay, nextOpenMs, nextTradingDay, tradingDayOnOrBefore, weekdayOf } from './trading-days';

const calendar = createMarketCalendar({ holidays: ['2026-11-23'] }); // a Monday, made a holiday for the test
const open = (instant: string) => new Date(nextOpenMs(instantMs(instant), calendar)).toISOString();

describe('trading days', () => {
  it('knows weekdays, weekends and holidays', () => {
    expect(weekdayOf('2026-11-20')).toBe(5); // Friday
    expect(isTradingDay('2026-11-20', calendar)).toBe(true);
    expect(isTradingDay('2026-11-21', calendar)).toBe(false); // Saturday
    expect(isTradingDay('2026-11-23', calendar)).toBe(false); // holiday
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(nextTradingDay('2026-11-20', calendar)).toBe('2026-11-24');
    expect(tradingDayOnOrBefore('2026-11-23', calendar)).toBe('2026-11-20');
  });

  it('the next open instant is now while the market is open', () => {
    expect(open('2026-11-20T10:00:00+05:30')).toBe('2026-11-20T04:30:00.000Z');
    expect(open('2026-11-20T09:15:00+05:30')).toBe('2026-11-20T03:45:00.000Z');
  });

  it('before 09:15 it is the same day open; from 15:30 the next trading day, weekends and holidays skipped', () => {
    expect(open('2026-11-20T08:00:00+05:30')).toBe('2026-11-20T03:45:00.000Z');
    // Friday 15:30 -> Saturday, Sunday, holiday Monday skipped -> Tuesday 09:15 IST = 03:45Z
    expect(open('2026-11-20T15:30:00+05:30')).toBe('2026-11-24T03:45:00.000Z');
    expect(open('2026-11-22T12:00:00Z')).toBe('2026-11-24T03:45:00.000Z');
    // 23:00 UTC on Thursday is already Friday 04:30 IST: the IST date decides, not the UTC one
    expect(open('2026-11-19T23:00:00Z')).toBe('2026-11-20T03:45:00.000Z');
  });
});
