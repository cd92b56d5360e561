import { createMarketCalendar, formatHhMm, marketPhase, NORMAL_MARKET_CLOSE_MINUTES, NORMAL_MARKET_OPEN_MINUTES, type MarketCalendar } from '@robo/domain';
import { addDays, createPrng, istInstant } from '@robo/market-data';

export interface MinuteBarsOptions {
  /** First IST date (`YYYY-MM-DD`) and the last one, inclusive. */
  from: string;
  to: string;
  seed: string;
  /** Opening price of the first bar, in paise (on the tick). */
  startPaise: number;
  /** The instrument's tick: every price is a whole number of ticks, as on the exchange (a fill off the tick is refused). */
  tickPaise: number;
  /** Standard deviation of one minute's return (0.0005: about 15% a year over 94,000 minutes). */
  sigmaPerMinute: number;
  /** Shares traded per bar: uniform in [min, max). */
  volume: { min: number; max: number };
  calendar?: MarketCalendar;
}

export interface MinuteBars {
  /** `datetime,open,high,low,close,volume` (IST, rupees), as `robo backtest run --csv` reads it. */
  csv: string;
  bars: number;
  tradingDays: number;
  firstAt: string;
  lastAt: string;
}

const rupees = (paise: number): string => `${Math.floor(paise / 100)}.${String(paise % 100).padStart(2, '0')}`;

/**
 * One instrument's one-minute bars over [from, to]: one bar per minute of the normal market (the domain's
 * NSE_SESSIONS.OPEN, 375 a session) on every day the market calendar opens (weekends and its holidays left out, as
 * marketPhase says), prices a seeded random walk in whole ticks (each bar opens at the close before it). The same
 * options give the same text.
 */
export function generateMinuteBars(options: MinuteBarsOptions): MinuteBars {
  const calendar = options.calendar ?? createMarketCalendar();
  const random = createPrng(options.seed);
  const lines = ['datetime,open,high,low,close,volume'];
  const tick = options.tickPaise;
  const onTick = (paise: number) => Math.max(tick, Math.round(paise / tick) * tick);
  if (onTick(options.startPaise) !== options.startPaise) throw new Error(`the start price ${options.startPaise} is not on the tick ${tick}`);
  let close = options.startPaise;
  let days = 0;
  let firstAt = '';
  let lastAt = '';
  for (let date = options.from; date <= options.to; date = addDays(date, 1)) {
    let opened = false;
    for (let minute = NORMAL_MARKET_OPEN_MINUTES; minute < NORMAL_MARKET_CLOSE_MINUTES; minute += 1) {
      const hhmm = formatHhMm(minute);
      if (marketPhase(istInstant(date, hhmm), calendar).phase !== 'OPEN') continue;
      opened = true;
      const open = close;
      close = onTick(open * (1 + options.sigmaPerMinute * random.nextNormal()));
      const wick = () => onTick(Math.abs(open * options.sigmaPerMinute * 0.5 * random.nextNormal())) - tick;
      const high = Math.max(open, close) + wick();
      const low = Math.max(tick, Math.min(open, close) - wick());
      const volume = options.volume.min + Math.floor(random.nextFloat() * (options.volume.max - options.volume.min));
      const at = `${date} ${hhmm}`;
      if (firstAt === '') firstAt = at;
      lastAt = at;
      lines.push(`${at},${rupees(open)},${rupees(high)},${rupees(low)},${rupees(close)},${volume}`);
    }
    if (opened) days += 1;
  }
  return { csv: `${lines.join('\n')}\n`, bars: lines.length - 1, tradingDays: days, firstAt, lastAt };
}
