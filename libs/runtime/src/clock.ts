/** The only place that reads the wall clock; everything else gets time from here or from the command. */
export interface Clock {
  /** Now as an ISO-8601 UTC instant. */
  now(): string;
}

export const CLOCK = Symbol('CLOCK');

export class SystemClock implements Clock {
  now(): string {
    return new Date().toISOString();
  }
}

/**
 * Starts at a chosen instant and advances `speed` times faster than the wall clock,
 * so demos and tests can run inside market hours whatever the real time is.
 */
export class SimulatedClock implements Clock {
  private readonly startedAtMs = Date.now();
  private readonly startMs: number;
  constructor(start: string, private readonly speed = 1) {
    this.startMs = Date.parse(start);
  }
  now(): string {
    return new Date(this.startMs + (Date.now() - this.startedAtMs) * this.speed).toISOString();
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
