import { nextIstTimeOfDay } from '../market/ist';
import { brokerSessionState, kiteSessionExpiry } from './broker-session';

describe('kiteSessionExpiry: the next 06:00 IST after the login', () => {
  it('is the next morning for a login during the trading day', () => {
    // 09:10 IST on Monday 7 Dec: the token lasts until 06:00 IST on Tuesday 8 Dec = 00:30Z
    expect(kiteSessionExpiry('2026-12-07T09:10:00+05:30')).toBe('2026-12-08T00:30:00.000Z');
  });

  it('is the same morning for a login before 06:00 IST', () => {
    // 05:59 IST: one minute left
    expect(kiteSessionExpiry('2026-12-07T05:59:00+05:30')).toBe('2026-12-07T00:30:00.000Z');
  });

  it('is the next day for a login at exactly 06:00 IST', () => {
    expect(kiteSessionExpiry('2026-12-07T00:30:00Z')).toBe('2026-12-08T00:30:00.000Z');
  });

  it('reads a UTC evening as the next IST day', () => {
    // 20:00Z on 7 Dec is 01:30 IST on 8 Dec: expiry 06:00 IST on 8 Dec
    expect(kiteSessionExpiry('2026-12-07T20:00:00Z')).toBe('2026-12-08T00:30:00.000Z');
  });

  it('refuses a time without an offset', () => {
    expect(() => nextIstTimeOfDay('2026-12-07T09:10:00', 360)).toThrow('not an ISO-8601 instant');
  });
});

describe('brokerSessionState', () => {
  const session = { expiresAt: '2026-12-08T00:30:00.000Z' };
  it('is absent without a session, connected before its expiry and expired from it', () => {
    expect(brokerSessionState(null, '2026-12-07T10:00:00Z')).toBe('absent');
    expect(brokerSessionState(session, '2026-12-08T00:29:59.999Z')).toBe('connected');
    expect(brokerSessionState(session, '2026-12-08T00:30:00.000Z')).toBe('expired');
  });
});
