import { systemWallClock } from '@robo/clock';
import type { ThrottlerStorage } from '@nestjs/throttler';

interface Window {
  /** Expiry times of the hits counted in the window, ascending; those before `head` have expired. */
  hits: number[];
  head: number;
  /** The window's reset time, renewed by the first hit after it passes (the X-RateLimit-Reset header). */
  expiresAt: number;
  /** 0 when not blocked. */
  blockedUntil: number;
}

/** Expired entries are cut off the front of the array once this many have piled up, and at least half of it. */
const COMPACT_AFTER = 1024;

/**
 * The rate limiter's hit counts, in memory, with the semantics of @nestjs/throttler's own storage (a sliding window
 * of `ttl`; past `limit` the credential is blocked for `blockDuration`, then starts afresh) at a constant cost per
 * request. The package's storage filters the whole list of hits on every request, and spreads it into Math.min: with
 * a high limit (a busy strategy's key) that is tens of thousands of entries per request, a few percent of the api's
 * CPU at 800 requests/s. Hits expire in the order they were made, so expired ones are counted off the front.
 */
export class SlidingWindowStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly now: () => number = systemWallClock.nowMs,
    sweepEveryMs = 60_000,
  ) {
    this.sweeper = setInterval(() => this.sweep(), sweepEveryMs);
    this.sweeper.unref();
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    const now = this.now();
    const id = `${throttlerName}\u0000${key}`;
    let window = this.windows.get(id);
    if (!window) {
      window = { hits: [], head: 0, expiresAt: now + ttl, blockedUntil: 0 };
      this.windows.set(id, window);
    }
    expire(window, now);
    if (window.expiresAt <= now) window.expiresAt = now + ttl;
    const timeToExpire = Math.ceil((window.expiresAt - now) / 1000);
    if (blockDuration <= 0) {
      // Never blocked for longer than the window: refused while `limit` hits are live.
      const full = window.hits.length - window.head >= limit;
      if (!full) window.hits.push(now + ttl);
      const live = window.hits.length - window.head;
      return { totalHits: live + (full ? 1 : 0), timeToExpire, isBlocked: full, timeToBlockExpire: !full ? 0 : live > 0 ? Math.ceil((window.hits[window.head]! - now) / 1000) : timeToExpire };
    }
    if (window.blockedUntil !== 0 && window.blockedUntil <= now) {
      window.blockedUntil = 0;
      window.hits = [];
      window.head = 0;
    }
    if (window.blockedUntil === 0) window.hits.push(now + ttl);
    const live = window.hits.length - window.head;
    if (live > limit && window.blockedUntil === 0) window.blockedUntil = now + blockDuration;
    const isBlocked = window.blockedUntil !== 0;
    return { totalHits: live, timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? Math.ceil((window.blockedUntil - now) / 1000) : 0 };
  }

  /** Windows with no live hit and no block are forgotten. */
  sweep(): void {
    const now = this.now();
    for (const [id, window] of this.windows) {
      expire(window, now);
      if (window.hits.length === window.head && window.blockedUntil <= now) this.windows.delete(id);
    }
  }

  /** Keys remembered, for tests. */
  get size(): number {
    return this.windows.size;
  }

  close(): void {
    clearInterval(this.sweeper);
    this.windows.clear();
  }
}

function expire(window: Window, now: number): void {
  const { hits } = window;
  while (window.head < hits.length && hits[window.head]! <= now) window.head += 1;
  if (window.head >= COMPACT_AFTER && window.head * 2 >= hits.length) {
    window.hits = hits.slice(window.head);
    window.head = 0;
  }
}
