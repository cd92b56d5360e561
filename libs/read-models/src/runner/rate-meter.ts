/** Events handled per second, averaged over a sliding window. */
export class RateMeter {
  private readonly samples: { at: number; count: number }[] = [];

  constructor(private readonly windowMs = 10_000) {}

  record(count: number, now: number): void {
    this.samples.push({ at: now, count });
    this.prune(now);
  }

  perSecond(now: number): number {
    this.prune(now);
    const total = this.samples.reduce((sum, s) => sum + s.count, 0);
    return total / (this.windowMs / 1000);
  }

  private prune(now: number): void {
    while (this.samples.length > 0 && this.samples[0]!.at < now - this.windowMs) this.samples.shift();
  }
}
