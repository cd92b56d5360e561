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
