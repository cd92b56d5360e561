import type { OrderStatus } from './order.state';
import { dayOrderExpired, expiredAtClose, expiresAtClose } from './day-expiry';

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

describe('expiresAtClose (which orders the close expires)', () => {
  const statuses: OrderStatus[] = ['PLACED', 'REJECTED', 'TRIGGER_PENDING', 'OPEN', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'EXPIRED'];

  it('names the working DAY orders and nothing else', () => {
    const expiring = statuses.flatMap((status) => (['DAY', 'IOC'] as const).filter((validity) => expiresAtClose({ status, validity })).map((validity) => `${status}/${validity}`));
    expect(expiring).toEqual(['TRIGGER_PENDING/DAY', 'OPEN/DAY', 'PARTIALLY_FILLED/DAY']);
    expect(expiresAtClose({ status: 'NONE', validity: 'DAY' })).toBe(false);
  });

  it('expires such an order once its session is over, and no other order at any time', () => {
    const placedAt = '2026-11-20T10:00:00+05:30';
    expect(expiredAtClose({ status: 'OPEN', validity: 'DAY', placedAt }, '2026-11-20T15:29:59+05:30')).toBe(false);
    expect(expiredAtClose({ status: 'OPEN', validity: 'DAY', placedAt }, '2026-11-20T15:30:00+05:30')).toBe(true);
    expect(expiredAtClose({ status: 'OPEN', validity: 'IOC', placedAt }, '2026-11-23T09:00:00+05:30')).toBe(false);
    expect(expiredAtClose({ status: 'FILLED', validity: 'DAY', placedAt }, '2026-11-23T09:00:00+05:30')).toBe(false);
  });
});
