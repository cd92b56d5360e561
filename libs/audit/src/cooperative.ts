import { systemWallClock, type WallClock } from '@robo/clock';
/**
 * Long reads over the log run in slices: after about SLICE_MS of synchronous work (reading a page, folding events)
 * the event loop gets a turn, so a replay of a stream with tens of thousands of events never holds up other
 * requests (health checks included) for longer than a slice. The stores' reads are synchronous underneath (SQLite),
 * so awaiting them alone never lets other work in.
 */
export const SLICE_MS = 10;

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Counts the time since the last turn it gave the event loop; `pause()` gives one when a slice is used up. */
export class Slicer {
  private sliceStart: number;
  /** How many turns this slicer gave the event loop. */
  yields = 0;

  constructor(private readonly clock: Pick<WallClock, 'monotonicMs'> = systemWallClock) {
    this.sliceStart = clock.monotonicMs();
  }

  async pause(): Promise<void> {
    if (this.clock.monotonicMs() - this.sliceStart < SLICE_MS) return;
    await this.turn();
  }

  /** Gives the event loop a turn now, whatever is left of the slice (between two pages read from a store). */
  async turn(): Promise<void> {
    await yieldToEventLoop();
    this.yields++;
    this.sliceStart = this.clock.monotonicMs();
  }
}
