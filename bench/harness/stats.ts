/** Latency samples in milliseconds; percentiles by nearest rank on a sorted copy. */
export class Samples {
  private values: number[] = [];

  add(ms: number): void {
    this.values.push(ms);
  }

  get count(): number {
    return this.values.length;
  }

  percentile(p: number): number {
    if (this.values.length === 0) return Number.NaN;
    const sorted = Float64Array.from(this.values).sort();
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[rank];
  }
}

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Runs `work` and returns its wall time in milliseconds along with its result. */
export async function timed<T>(work: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = nowMs();
  const value = await work();
  return { ms: nowMs() - start, value };
}

/** Median of repeated runs of a short operation (after `warmup` unmeasured runs), with p99 and max. */
export async function repeat(times: number, warmup: number, work: () => Promise<unknown> | unknown): Promise<{ p50: number; p99: number; max: number }> {
  for (let i = 0; i < warmup; i += 1) await work();
  const samples = new Samples();
  let max = 0;
  for (let i = 0; i < times; i += 1) {
    const { ms } = await timed(work);
    samples.add(ms);
    if (ms > max) max = ms;
  }
  return { p50: samples.percentile(50), p99: samples.percentile(99), max };
}

export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
