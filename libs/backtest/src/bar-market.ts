import type { Quote, Tick } from '@robo/market-data';
import type { Bar } from '@robo/paper';

/** Far past any backtest: where nextStepAt points once the bars are used up, so that a run stops. */
export const BARS_EXHAUSTED_AT = '9999-12-31T00:00:00.000Z';

/**
 * Historical bars replayed as market steps: each bar is one step at its timestamp, quoting its close (bid = ask =
 * last; the paper broker's slippage then applies) with its volume as the quantity traded, which is what partial
 * fills are measured against. A strategy's bar closes when the next bar arrives, and an order placed at a step
 * fills at the next step's quote: no look-ahead.
 */
export class BarReplay {
  private index = -1;
  private readonly last = new Map<string, Quote>();

  constructor(private readonly bars: readonly Bar[]) {}

  steps(): number {
    return this.index + 1;
  }

  nextStepAt(): string {
    return this.bars[this.index + 1]?.startAt ?? BARS_EXHAUSTED_AT;
  }

  /** Moves to the next bar; no ticks once the bars are used up. */
  step(): { at: string; ticks: Tick[] } {
    const bar = this.bars[this.index + 1];
    if (!bar) return { at: this.bars[this.bars.length - 1]?.startAt ?? BARS_EXHAUSTED_AT, ticks: [] };
    this.index += 1;
    const tick: Tick = { symbol: bar.symbol, bidPaise: bar.closePaise, askPaise: bar.closePaise, lastPaise: bar.closePaise, volume: bar.volume, at: bar.startAt };
    this.last.set(bar.symbol, tick);
    return { at: bar.startAt, ticks: [tick] };
  }

  now(): string | null {
    return this.bars[this.index]?.startAt ?? null;
  }

  quote(symbol: string): Quote | null {
    return this.last.get(symbol) ?? null;
  }

  quotes(): Quote[] {
    return [...this.last.values()];
  }
}
