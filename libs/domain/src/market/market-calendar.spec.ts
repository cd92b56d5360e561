import { DomainError } from '../common/errors';
import type { MarketCalendar } from './calendar';
import { DEFAULT_NSE_HOLIDAYS } from './holidays';
import { isIsoDate, toIst } from './ist';
import { createMarketCalendar, DEFAULT_MIS_CUTOFFS, isMisCutoffPassed, istTimeOffset, marketPhase, NSE_SESSIONS } from './market-calendar';

// 2026-11-20 is a Friday; 2026-12-25 (Christmas) is a Friday holiday.
const calendar = createMarketCalendar({ holidays: ['2026-12-25'] });
const on = (time: string) => `2026-11-20T${time}+05:30`;

describe('marketPhase boundaries (IST, start inclusive, end exclusive)', () => {
  it.each([
    ['08:59:59', 'CLOSED'],
    ['09:00:00', 'PRE_OPEN'],
    ['09:07:59', 'PRE_OPEN'],
    ['09:08:00', 'CLOSED'],
    ['09:14:59', 'CLOSED'],
    ['09:15:00', 'OPEN'],
    ['12:00:00', 'OPEN'],
    ['15:29:59', 'OPEN'],
    ['15:30:00', 'CLOSED'],
    ['15:39:59', 'CLOSED'],
    ['15:40:00', 'CLOSING'],
    ['15:59:59', 'CLOSING'],
    ['16:00:00', 'CLOSED'],
    ['23:59:59', 'CLOSED'],
    ['00:00:00', 'CLOSED'],
  ])('%s IST is %s', (time, phase) => {
    const result = marketPhase(on(time), calendar);
    expect(result.phase).toBe(phase);
    expect(result.closedReason).toBe(phase === 'CLOSED' ? 'OUTSIDE_HOURS' : undefined);
    expect(result.istDate).toBe('2026-11-20');
    expect(result.istTime).toBe(time.slice(0, 5));
  });

  it('gives the same answer for the same instant written in UTC', () => {
    // 09:15 IST - 05:30 = 03:45Z; 15:30 IST = 10:00Z
    expect(marketPhase('2026-11-20T03:45:00Z', calendar)).toEqual({ phase: 'OPEN', istDate: '2026-11-20', istTime: '09:15' });
    expect(marketPhase('2026-11-20T03:44:59Z', calendar).phase).toBe('CLOSED');
    expect(marketPhase('2026-11-20T09:59:59Z', calendar).phase).toBe('OPEN');
    expect(marketPhase('2026-11-20T10:00:00Z', calendar)).toEqual({
      phase: 'CLOSED',
      closedReason: 'OUTSIDE_HOURS',
      istDate: '2026-11-20',
      istTime: '15:30',
    });
    // 03:30Z = 09:00 IST pre-open; 10:10Z = 15:40 IST closing session
    expect(marketPhase('2026-11-20T03:30:00Z', calendar).phase).toBe('PRE_OPEN');
    expect(marketPhase('2026-11-20T10:10:00Z', calendar).phase).toBe('CLOSING');
  });

  it('computes in IST when the UTC date is a different day', () => {
    // Thursday 20:00Z = Friday 01:30 IST: a weekday, outside hours (not a UTC Thursday evening)
    expect(marketPhase('2026-11-19T20:00:00Z', calendar)).toEqual({
      phase: 'CLOSED',
      closedReason: 'OUTSIDE_HOURS',
      istDate: '2026-11-20',
      istTime: '01:30',
    });
    // Sunday 2026-11-22 at 22:00Z = Monday 03:30 IST: outside hours, not weekend
    expect(marketPhase('2026-11-22T22:00:00Z', calendar)).toMatchObject({ closedReason: 'OUTSIDE_HOURS', istDate: '2026-11-23' });
    // Friday 2026-11-20 at 19:00Z = Saturday 00:30 IST: weekend
    expect(marketPhase('2026-11-20T19:00:00Z', calendar)).toMatchObject({ closedReason: 'WEEKEND', istDate: '2026-11-21' });
  });
});

describe('marketPhase closed days', () => {
  it('is closed on Saturday and Sunday during normal hours', () => {
    expect(marketPhase('2026-11-21T10:00:00+05:30', calendar)).toEqual({
      phase: 'CLOSED',
      closedReason: 'WEEKEND',
      istDate: '2026-11-21',
      istTime: '10:00',
    });
    expect(marketPhase('2026-11-22T10:00:00+05:30', calendar).closedReason).toBe('WEEKEND');
  });

  it('is closed on a listed holiday', () => {
    expect(marketPhase('2026-12-25T10:00:00+05:30', calendar)).toEqual({
      phase: 'CLOSED',
      closedReason: 'HOLIDAY',
      istDate: '2026-12-25',
      istTime: '10:00',
    });
    // 2026-12-24T20:00Z = 25th 01:30 IST: holiday by the IST date
    expect(marketPhase('2026-12-24T20:00:00Z', calendar).closedReason).toBe('HOLIDAY');
    // the day before is a normal Thursday
    expect(marketPhase('2026-12-24T10:00:00+05:30', calendar).phase).toBe('OPEN');
  });

  it('accepts a hand-built calendar with an array of holidays', () => {
    const plain: MarketCalendar = { holidays: ['2026-11-20'], misCutoffEquity: '15:20', misCutoffDerivatives: '15:25' };
    expect(marketPhase(on('10:00:00'), plain).closedReason).toBe('HOLIDAY');
  });

  it('rejects a malformed instant', () => {
    expect(() => marketPhase('2026-11-20 10:00', calendar)).toThrow(DomainError);
  });
});

describe('isMisCutoffPassed', () => {
  it.each([
    ['15:19:59', 'EQ', false],
    ['15:20:00', 'EQ', true],
    ['15:24:59', 'FUT', false],
    ['15:25:00', 'FUT', true],
    ['15:24:59', 'OPT', false],
    ['15:25:00', 'OPT', true],
    ['09:15:00', 'EQ', false],
  ] as const)('at %s IST for %s: %s', (time, segment, passed) => {
    expect(isMisCutoffPassed(on(time), segment, calendar)).toBe(passed);
  });

  it('uses configured cut-offs and the IST clock', () => {
    const early = createMarketCalendar({ holidays: [], misCutoffEquity: '14:00', misCutoffDerivatives: '14:30' });
    expect(isMisCutoffPassed(on('14:00:00'), 'EQ', early)).toBe(true);
    expect(isMisCutoffPassed(on('14:29:00'), 'OPT', early)).toBe(false);
    // 09:50Z = 15:20 IST
    expect(isMisCutoffPassed('2026-11-20T09:50:00Z', 'EQ', calendar)).toBe(true);
    expect(isMisCutoffPassed('2026-11-20T09:49:00Z', 'EQ', calendar)).toBe(false);
  });
});

describe('createMarketCalendar', () => {
  it('defaults the cut-offs and the holiday list', () => {
    const cal = createMarketCalendar();
    expect(cal.misCutoffEquity).toBe('15:20');
    expect(cal.misCutoffDerivatives).toBe('15:25');
    expect([...cal.holidays]).toEqual([...DEFAULT_NSE_HOLIDAYS]);
    expect(marketPhase('2026-01-26T10:00:00+05:30', cal).closedReason).toBe('HOLIDAY');
  });

  it.each([
    [{ holidays: ['2026-02-30'] }],
    [{ holidays: ['26-01-2026'] }],
    [{ holidays: [], misCutoffEquity: '3:20' }],
    [{ holidays: [], misCutoffDerivatives: '25:00' }],
  ])('rejects bad configuration %j', (options) => {
    let caught: unknown;
    try {
      createMarketCalendar(options);
    } catch (error) {
      caught = error;
    }
    expect((caught as DomainError).code).toBe('INVALID_CALENDAR');
  });
});

describe('DEFAULT_NSE_HOLIDAYS', () => {
  it('lists valid weekday dates in 2025-2027, sorted and unique', () => {
    expect(DEFAULT_NSE_HOLIDAYS.length).toBe(9);
    for (const day of DEFAULT_NSE_HOLIDAYS) {
      expect(isIsoDate(day)).toBe(true);
      expect(day >= '2025-01-01' && day <= '2027-12-31').toBe(true);
      const { weekday } = toIst(`${day}T12:00:00+05:30`);
      expect(weekday >= 1 && weekday <= 5).toBe(true);
    }
    expect([...DEFAULT_NSE_HOLIDAYS]).toEqual([...new Set(DEFAULT_NSE_HOLIDAYS)].sort());
  });
});

describe('istTimeOffset (times derived from the market hours)', () => {
  it('moves an HH:MM IST time by whole minutes either way, across the hour', () => {
    expect(istTimeOffset(NSE_SESSIONS.OPEN.from, 5)).toBe('09:20');
    expect(istTimeOffset(DEFAULT_MIS_CUTOFFS.derivatives, -15)).toBe('15:10');
    expect(istTimeOffset('09:55', 10)).toBe('10:05');
  });
});
