/**
 * The only module that reads the wall clock (a lint rule keeps every other source file from calling Date.now(),
 * new Date() without arguments, performance.now() or process.hrtime). Everything else gets time injected: business
 * time from a Clock (the command's, possibly simulated), wall time for timeouts, leases, backoffs and stamps from a
 * WallClock, durations from its monotonic reading.
 */

/** Business time: what orders, fills and events are dated with. It may be simulated (CLOCK_START, the demo's market clock). */
export interface Clock {
  /** Now as an ISO-8601 UTC instant. */
  now(): string;
}

/** The machine's time, never simulated: for timeouts, leases, backoffs, rates and recorded-at stamps. */
export interface WallClock extends Clock {
  /** Milliseconds since the epoch. */
  nowMs(): number;
  /** Milliseconds from an arbitrary origin that never steps back (NTP, a resumed VM): for durations. */
  monotonicMs(): number;
}

/** The real wall clock; inject it (WALL_CLOCK in Nest apps, an option elsewhere) rather than importing it where a test may want another. */
export const systemWallClock: WallClock = {
  now: () => new Date().toISOString(),
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
};

/**
 * The wall clock, never earlier than `floor` (the log's latest business time at start) nor than an instant it
 * already returned: a system clock stepped back (NTP, a VM resumed) holds still instead of running backwards.
 */
export class SystemClock implements Clock {
  private lastMs: number;
  constructor(
    floor: string | null = null,
    private readonly wall: WallClock = systemWallClock,
  ) {
    this.lastMs = floor === null ? Number.NEGATIVE_INFINITY : Date.parse(floor);
  }
  now(): string {
    const ms = this.wall.nowMs();
    if (ms > this.lastMs) this.lastMs = ms;
    return new Date(this.lastMs).toISOString();
  }
}

/**
 * Starts at a chosen instant and advances `speed` times faster than the wall clock,
 * so demos and tests can run inside market hours whatever the real time is.
 */
export class SimulatedClock implements Clock {
  private readonly startedAtMs: number;
  private readonly startMs: number;
  private lastMs = Number.NEGATIVE_INFINITY;
  constructor(
    start: string,
    private readonly speed = 1,
    private readonly wall: WallClock = systemWallClock,
  ) {
    this.startMs = Date.parse(start);
    this.startedAtMs = wall.nowMs();
  }
  now(): string {
    const ms = this.startMs + (this.wall.nowMs() - this.startedAtMs) * this.speed;
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
