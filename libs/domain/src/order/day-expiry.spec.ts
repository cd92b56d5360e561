import { dayOrderExpired } from './day-expiry';

describe('dayOrderExpired (the one DAY expiry rule)', () => {
  it('keeps a DAY order alive until 15:30 IST of its day and expires it after', () => {
    expect(dayOrderExpired('2026-11-20T10:00:00+05:30', '2026-11-20T15:29:59+05:30')).toBe(false);
    expect(dayOrderExpired('2026-11-20T10:00:00+05:30', '2026-11-20T15:30:00+05:30')).toBe(true);
    // 23:00 UTC on the 20th is already the 21st in IST: the next day
    expect(dayOrderExpired('2026-11-20T10:00:00+05:30', '2026-11-20T23:00:00Z')).toBe(true);
    expect(dayOrderExpired('2026-11-20T04:00:00Z', '2026-11-20T09:00:00Z')).toBe(false); // 09:30 and 14:30 IST
    // any later day, whatever its time
    expect(dayOrderExpired('2026-11-20T10:00:00+05:30', '2026-11-23T09:00:00+05:30')).toBe(true);
  });
});
