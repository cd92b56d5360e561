import { istTradingDay, type MarketCalendar } from '@robo/domain';
import { istInstant, tradingDayOnOrBefore } from '@robo/market-data';
import type { AppConfig } from './config/app-config';
import { Clock, SimulatedClock, SteeredClock, SystemClock } from './clock';

/** 09:15 IST of the most recent trading day on or before `now` (today's open even before it, on a trading day). */
export function latestSessionOpen(now: string, calendar: MarketCalendar): string {
  return new Date(Date.parse(istInstant(tradingDayOnOrBefore(istTradingDay(now), calendar), '09:15'))).toISOString();
}

/**
 * The app clock. In market clock mode (the demo's default) business time is the simulated market's time, starting
 * at CLOCK_START or at the latest session open, and moved by the paper engine; otherwise the wall clock or a
 * simulated clock started at CLOCK_START.
 */
export function createAppClock(config: AppConfig, calendar: MarketCalendar): Clock {
  if (config.paper.clockMode === 'market') return new SteeredClock(config.clockStart ?? latestSessionOpen(new Date().toISOString(), calendar));
  return config.clockStart ? new SimulatedClock(config.clockStart, config.clockSpeed) : new SystemClock();
}
