/** The only place that reads the wall clock; everything else gets time from here or from the command. */
export interface Clock {
  /** Now as an ISO-8601 UTC instant. */
  now(): string;
}

export const CLOCK = Symbol('CLOCK');

/**
 * The wall clock, never earlier than `floor` (the log's latest business time at start) nor than an instant it
 * already returned: a system clock stepped back (NTP, a VM resumed) holds still instead of running backwards.
 */
export class SystemClock implements Clock {
  private lastMs: number;
  constructor(floor: string | null = null) {
    this.lastMs = floor === null ? Number.NEGATIVE_INFINITY : Date.parse(floor);
  }
  now(): string {
    const ms = Date.now();
    if (ms > this.lastMs) this.lastMs = ms;
    return new Date(this.lastMs).toISOString();
  }
}

/**
 * Starts at a chosen instant and advances `speed` times faster than the wall clock,
 * so demos and tests can run inside market hours whatever the real time is.
 */
export class SimulatedClock implements Clock {
  private readonly startedAtMs = Date.now();
  private readonly startMs: number;
  private lastMs = Number.NEGATIVE_INFINITY;
  constructor(start: string, private readonly speed = 1) {
    this.startMs = Date.parse(start);
  }
  now(): string {
    const ms = this.startMs + (Date.now() - this.startedAtMs) * this.speed;
    if (ms > this.lastMs) this.lastMs = ms;
    return new Date(this.lastMs).toISOString();
  }
}

/**
 * Business time that someone else moves: in market clock mode the paper engine sets it to each simulated market
 * step, so orders, fills and the market always agree on the time, and a session that closes rolls to the next open.
 */
export class SteeredClock implements Clock {
  private currentMs: number;
  constructor(start: string) {
    this.currentMs = Date.parse(start);
  }
  now(): string {
    return new Date(this.currentMs).toISOString();
  }
  /** Moves forward only: business time never runs backwards. */
  set(instant: string): void {
    const ms = Date.parse(instant);
    if (ms > this.currentMs) this.currentMs = ms;
  }
}
