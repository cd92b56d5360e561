import { KITE_ORDER_LIMITS, OrderRateLimiter } from './order-rate-limiter';

describe('client-side order rate limits (Kite: 10/s, 400/min, 5,000/day)', () => {
  const at = (iso: string) => Date.parse(iso);

  it('lets 10 requests go in a second, then makes the 11th wait for the first to leave the window', () => {
    let now = at('2026-12-07T04:00:00.000Z');
    const limiter = new OrderRateLimiter(KITE_ORDER_LIMITS, () => now);
    for (let i = 0; i < 10; i++) {
      expect(limiter.delayMs()).toBe(0);
      limiter.record();
      now += 50;
    }
    // 10 sent at 0..450 ms; now 500 ms: the 11th waits until the first (at 0) is a second old
    expect(limiter.delayMs()).toBe(500);
    now += 500;
    expect(limiter.delayMs()).toBe(0);
  });

  it('keeps to 400 a minute and 5,000 an IST day, the day starting again at midnight IST', () => {
    let now = at('2026-12-07T04:00:00.000Z');
    const limiter = new OrderRateLimiter({ perSecond: 1000, perMinute: 400, perDay: 5000 }, () => now);
    for (let i = 0; i < 400; i++) limiter.record();
    expect(limiter.delayMs()).toBe(60_000);
    const day = new OrderRateLimiter({ perSecond: 10_000, perMinute: 10_000, perDay: 5000 }, () => now);
    for (let i = 0; i < 5000; i++) day.record();
    expect(day.delayMs()).toBe(Number.POSITIVE_INFINITY);
    now = at('2026-12-07T18:30:00.000Z'); // 00:00 IST on the 8th
    expect(day.delayMs()).toBe(0);
  });

  it('backs off after a 429, doubling while they continue, and starts again after a normal answer', () => {
    let now = at('2026-12-07T04:00:00.000Z');
    const limiter = new OrderRateLimiter(KITE_ORDER_LIMITS, () => now);
    limiter.tooManyRequests();
    expect(limiter.delayMs()).toBe(1000);
    now += 1000;
    limiter.tooManyRequests();
    expect(limiter.delayMs()).toBe(2000);
    now += 2000;
    limiter.answered();
    limiter.tooManyRequests();
    expect(limiter.delayMs()).toBe(1000);
  });
});
