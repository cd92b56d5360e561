/** Kite Connect's published limits on order requests (place, modify, cancel) per user. */
export interface OrderRateLimits {
  perSecond: number;
  perMinute: number;
  perDay: number;
}

export const KITE_ORDER_LIMITS: OrderRateLimits = { perSecond: 10, perMinute: 400, perDay: 5000 };

const IST_OFFSET_MS = 330 * 60_000;

/**
 * Client-side limits, so that Kite's own (429) are not the first line: sliding windows of one second and one minute,
 * and a count per IST day. After a 429 from Kite, requests wait 1 s, doubling on each 429 in a row up to 30 s. The
 * clock is injected (tests move it by hand).
 */
export class OrderRateLimiter {
  private readonly stamps: number[] = [];
  private day = '';
  private dayCount = 0;
  private blockedUntil = 0;
  private backoffMs = 0;

  constructor(
    private readonly limits: OrderRateLimits,
    private readonly now: () => number,
  ) {}

  /** How long the next order request must wait (0: it may go now); Infinity once the day's limit is spent. */
  delayMs(): number {
    const now = this.now();
    this.rollDay(now);
    if (this.dayCount >= this.limits.perDay) return Number.POSITIVE_INFINITY;
    while (this.stamps.length > 0 && this.stamps[0] <= now - 60_000) this.stamps.shift();
    let wait = Math.max(0, this.blockedUntil - now);
    if (this.stamps.length >= this.limits.perMinute) wait = Math.max(wait, this.stamps[this.stamps.length - this.limits.perMinute] + 60_000 - now);
    const lastSecond = this.stamps.filter((t) => t > now - 1000);
    if (lastSecond.length >= this.limits.perSecond) wait = Math.max(wait, lastSecond[lastSecond.length - this.limits.perSecond] + 1000 - now);
    return wait;
  }

  /** An order request went out now. */
  record(): void {
    const now = this.now();
    this.rollDay(now);
    this.stamps.push(now);
    this.dayCount += 1;
  }

  /** Kite answered 429: back off. */
  tooManyRequests(): void {
    this.backoffMs = this.backoffMs === 0 ? 1000 : Math.min(this.backoffMs * 2, 30_000);
    this.blockedUntil = this.now() + this.backoffMs;
  }

  /** Kite answered normally: the backoff starts again from 1 s next time. */
  answered(): void {
    this.backoffMs = 0;
  }

  private rollDay(now: number): void {
    const day = new Date(now + IST_OFFSET_MS).toISOString().slice(0, 10);
    if (day !== this.day) {
      this.day = day;
      this.dayCount = 0;
    }
  }
}
