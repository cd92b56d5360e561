import { DomainError } from '../common/errors';
import { formatHhMm, isIsoDate, istTradingDay, parseHhMm, parseInstantMs, toIst, toUtcIso } from './ist';

describe('toIst', () => {
  it('reads an instant given in IST as is', () => {
    // 10:00 IST = 600 minutes; 2026-11-20 is a Friday (weekday 5)
    expect(toIst('2026-11-20T10:00:00+05:30')).toEqual({ date: '2026-11-20', minutes: 600, weekday: 5 });
  });

  it('moves a UTC evening to the next IST calendar day', () => {
    // 20:00Z + 05:30 = 01:30 on the next day: 1*60 + 30 = 90 minutes, Thursday 19th becomes Friday 20th
    expect(toIst('2026-11-19T20:00:00Z')).toEqual({ date: '2026-11-20', minutes: 90, weekday: 5 });
  });

  it('handles the last UTC minutes before the IST midnight and other offsets', () => {
    // 18:29Z + 05:30 = 23:59 the same day = 1439 minutes
    expect(toIst('2026-11-20T18:29:00Z')).toEqual({ date: '2026-11-20', minutes: 1439, weekday: 5 });
    // 18:30Z + 05:30 = 00:00 the next day (Saturday)
    expect(toIst('2026-11-20T18:30:00Z')).toEqual({ date: '2026-11-21', minutes: 0, weekday: 6 });
    // 23:45 at -04:00 = 03:45Z next day = 09:15 IST on Saturday 21st: 9*60+15 = 555
    expect(toIst('2026-11-20T23:45:00-04:00')).toEqual({ date: '2026-11-21', minutes: 555, weekday: 6 });
  });

  it('drops seconds and fractions so 15:29:59.999 is still minute 929', () => {
    // 15*60 + 29 = 929
    expect(toIst('2026-11-20T15:29:59.999+05:30').minutes).toBe(929);
    expect(toIst('2026-11-20T09:59Z').minutes).toBe(15 * 60 + 29); // 09:59Z + 05:30 = 15:29
  });

  it('crosses a year end', () => {
    expect(toIst('2026-12-31T19:00:00Z')).toEqual({ date: '2027-01-01', minutes: 30, weekday: 5 });
  });

  it.each([
    ['2026-11-20T10:00:00'], // no offset: would be server local time
    ['2026-11-20'],
    ['2026-02-30T10:00:00Z'], // Date.parse rolls this over to March 2
    ['2026-11-20T24:00:00Z'],
    ['2026-11-20T10:60:00Z'],
    ['2026-11-20T10:00:00+0530'],
    ['yesterday'],
    [''],
  ])('rejects %j with INVALID_TIME', (input) => {
    let caught: unknown;
    try {
      toIst(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect((caught as DomainError).code).toBe('INVALID_TIME');
    expect((caught as DomainError).kind).toBe('invalid');
  });
});

describe('istTradingDay', () => {
  it('is the IST date, not the UTC date', () => {
    expect(istTradingDay('2026-11-19T20:00:00Z')).toBe('2026-11-20');
    expect(istTradingDay('2026-11-20T00:10:00+05:30')).toBe('2026-11-20');
  });
});

describe('HH:MM helpers and dates', () => {
  it('parses and formats', () => {
    expect(parseHhMm('15:20')).toBe(920); // 15*60 + 20
    expect(parseHhMm('00:00')).toBe(0);
    expect(parseHhMm('24:00')).toBeNull();
    expect(parseHhMm('9:15')).toBeNull();
    expect(formatHhMm(555)).toBe('09:15');
    expect(formatHhMm(1439)).toBe('23:59');
  });

  it('knows real calendar dates', () => {
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2026-1-01')).toBe(false);
  });
});

describe('toUtcIso', () => {
  it('normalises any offset to one UTC shape with milliseconds', () => {
    // 10:00 IST = 10:00 - 05:30 = 04:30 UTC
    expect(toUtcIso('2026-01-05T10:00:00+05:30')).toBe('2026-01-05T04:30:00.000Z');
    // 03:00 IST on the 5th = 21:30 UTC on the 4th (the date moves back)
    expect(toUtcIso('2026-01-05T03:00:00+05:30')).toBe('2026-01-04T21:30:00.000Z');
    // 23:00 at -04:00 = 03:00 UTC the next day
    expect(toUtcIso('2026-01-05T23:00:00-04:00')).toBe('2026-01-06T03:00:00.000Z');
    expect(toUtcIso('2026-01-05T04:30:00.123Z')).toBe('2026-01-05T04:30:00.123Z');
    expect(toUtcIso('2026-01-05T04:30Z')).toBe('2026-01-05T04:30:00.000Z');
  });

  it('makes text order follow time order where the raw strings do not', () => {
    // 09:00 IST (03:30 UTC) is earlier than 04:00 UTC, but as raw text '...T09' sorts after '...T04'
    const ist = '2026-01-05T09:00:00+05:30';
    const utc = '2026-01-05T04:00:00Z';
    expect(ist > utc).toBe(true);
    expect(toUtcIso(ist)! < toUtcIso(utc)!).toBe(true);
  });

  it('refuses strings without an offset or with impossible fields, instead of guessing', () => {
    for (const bad of ['2026-01-05T10:00:00', '2026-01-05', '2026-02-30T10:00:00Z', '2026-01-05T24:00:00Z', 'soon', '']) {
      expect(toUtcIso(bad)).toBeNull();
      expect(parseInstantMs(bad)).toBeNull();
    }
    // Date.UTC(2026, 0, 5, 4, 30) = 1,767,587,400,000
    expect(parseInstantMs('2026-01-05T10:00:00+05:30')).toBe(Date.UTC(2026, 0, 5, 4, 30));
  });
});
