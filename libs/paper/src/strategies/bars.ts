import { InvalidCommand, type IsoInstant, type Paise } from '@robo/domain';
import { instantMs, type Tick } from '@robo/market-data';

/** One OHLC bar of one instrument over [startAt, startAt + barSeconds). */
export interface Bar {
  symbol: string;
  startAt: IsoInstant;
  openPaise: Paise;
  highPaise: Paise;
  lowPaise: Paise;
  closePaise: Paise;
  volume: number;
}

/**
 * Folds ticks into fixed bars (aligned on multiples of barSeconds since the epoch, which for bars of up to 30
 * minutes is aligned on the IST clock too, IST being UTC+05:30). A bar is complete when the first tick of a later
 * bar arrives, so strategies act on closed bars only and never on a half-formed one.
 */
export function addTickToBar(current: Bar | null, tick: Tick, barSeconds: number): { current: Bar; completed: Bar | null } {
  if (!Number.isSafeInteger(barSeconds) || barSeconds <= 0) throw new InvalidCommand('BAR_SECONDS_INVALID', `barSeconds must be a positive integer, got ${barSeconds}`);
  const size = barSeconds * 1000;
  const startMs = Math.floor(instantMs(tick.at) / size) * size;
  const startAt = new Date(startMs).toISOString();
  if (current !== null && current.symbol === tick.symbol && current.startAt === startAt) {
    return {
      current: {
        ...current,
        highPaise: Math.max(current.highPaise, tick.lastPaise),
        lowPaise: Math.min(current.lowPaise, tick.lastPaise),
        closePaise: tick.lastPaise,
        volume: current.volume + tick.volume,
      },
      completed: null,
    };
  }
  const fresh: Bar = { symbol: tick.symbol, startAt, openPaise: tick.lastPaise, highPaise: tick.lastPaise, lowPaise: tick.lastPaise, closePaise: tick.lastPaise, volume: tick.volume };
  return { current: fresh, completed: current };
}
