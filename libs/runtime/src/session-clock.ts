import { istTradingDay, type MarketCalendar } from '@robo/domain';
import type { EventStore } from '@robo/event-store';
import { istInstant, SESSION_OPEN, tradingDayOnOrBefore } from '@robo/market-data';
import { type AppConfig, ConfigError } from './config/app-config';
import { Clock, SimulatedClock, SteeredClock, SystemClock, systemWallClock } from './clock';

/** 09:15 IST of the most recent trading day on or before `now` (today's open even before it, on a trading day). */
export function latestSessionOpen(now: string, calendar: MarketCalendar): string {
  return new Date(Date.parse(istInstant(tradingDayOnOrBefore(istTradingDay(now), calendar), SESSION_OPEN))).toISOString();
}

/**
 * Streams whose events carry business time (metadata.occurredAt): the trading aggregates. Administrative streams
 * (credentials, written by the CLI with the wall clock) do not move the market's time.
 */
export const BUSINESS_STREAM_PREFIXES: readonly string[] = ['account-', 'order-', 'position-', 'strategy-', 'market-prices'];

/** Events read per page from the head, and pages read at most, when looking for the latest business time. */
const TAIL_PAGE = 1000;
const TAIL_PAGES = 50;

/**
 * The latest business time recorded in the log: the greatest `occurredAt` among the business events of the newest
 * page of the log that has any (read backwards from the head, at most TAIL_PAGES pages), or null for a log without
 * business events. Business time is written by the app clock, which only moves forward, so the newest events hold
 * it; a back-dated fill only lowers its own event's time.
 */
export async function latestBusinessTime(events: Pick<EventStore, 'readAllBackwards'>): Promise<string | null> {
  let before: bigint | undefined;
  for (let page = 0; page < TAIL_PAGES; page += 1) {
    const tail = await events.readAllBackwards({ before, maxCount: TAIL_PAGE });
    let latestMs = Number.NEGATIVE_INFINITY;
    for (const e of tail) {
      if (!BUSINESS_STREAM_PREFIXES.some((prefix) => e.streamName.startsWith(prefix))) continue;
      const ms = Date.parse(e.metadata.occurredAt);
      if (ms > latestMs) latestMs = ms;
    }
    if (latestMs > Number.NEGATIVE_INFINITY) return new Date(latestMs).toISOString();
    if (tail.length < TAIL_PAGE) return null;
    before = tail[tail.length - 1].globalPosition;
  }
  return null;
}

/**
 * How far the log's latest business time may be ahead of the system clock for the app to start on it: the clock
 * then holds at the log's time until the wall clock has caught up (a broker's fill reported a little ahead, clocks
 * of two hosts a little apart). Further ahead (a demo ran on its accelerated clock), the start is refused.
 */
export const WALL_CLOCK_MAX_BEHIND_MS = 5 * 60_000;

/**
 * The app clock. Business time never runs backwards across restarts: `latest` is the log's latest business time.
 * - Market clock mode (the demo's default): business time is the simulated market's time, moved by the paper
 *   engine; it starts at CLOCK_START, else where the log stopped, else at the latest session open.
 * - Wall mode: a simulated clock started at CLOCK_START, or the system clock (never before the log's time).
 * A CLOCK_START before `latest`, or a system clock more than WALL_CLOCK_MAX_BEHIND_MS behind it, is refused with a
 * ConfigError naming both instants, unless CLOCK_ALLOW_REWIND is set.
 */
export function createAppClock(config: AppConfig, calendar: MarketCalendar, latest: string | null = null, wallNow: string = systemWallClock.now()): Clock {
  const rewindAllowed = config.clockAllowRewind;
  if (config.clockStart !== null && latest !== null && Date.parse(config.clockStart) < Date.parse(latest) && !rewindAllowed) {
    throw new ConfigError(
      'CLOCK_START',
      `${config.clockStart} is earlier than the latest business time in the log, ${latest}: business time would run backwards. ` +
        'Start at or after it, leave CLOCK_START unset to resume from the log, or set CLOCK_ALLOW_REWIND=true',
    );
  }
  if (config.paper.clockMode === 'market') return new SteeredClock(config.clockStart ?? latest ?? latestSessionOpen(wallNow, calendar));
  if (config.clockStart !== null) return new SimulatedClock(config.clockStart, config.clockSpeed);
  if (latest === null || rewindAllowed) return new SystemClock();
  if (Date.parse(latest) - Date.parse(wallNow) > WALL_CLOCK_MAX_BEHIND_MS) {
    throw new ConfigError(
      'CLOCK_START',
      `is unset and the system clock, ${wallNow}, is behind the latest business time in the log, ${latest}: business time would run backwards. ` +
        'Set CLOCK_START at or after it (CLOCK_MODE=market resumes the simulated market from the log), or set CLOCK_ALLOW_REWIND=true',
    );
  }
  return new SystemClock(latest);
}

/** How long start-up waits for the log's latest business time before going on without it (a server not answering yet). */
const LATEST_READ_TIMEOUT_MS = 10_000;

/** createAppClock over the log's latest business time, read at start. */
export async function createAppClockFromLog(
  config: AppConfig,
  calendar: MarketCalendar,
  events: Pick<EventStore, 'readAllBackwards'>,
  warn: (message: string) => void = () => undefined,
): Promise<Clock> {
  let latest: string | null = null;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${LATEST_READ_TIMEOUT_MS} ms`)), LATEST_READ_TIMEOUT_MS);
    });
    latest = await Promise.race([latestBusinessTime(events), timeout]);
  } catch (error) {
    // A server-backed store that does not answer yet must not stop the start (it answers 503 until it does).
    warn(`could not read the latest business time from the log (${(error as Error).message}); the clock starts without it`);
  } finally {
    clearTimeout(timer);
  }
  return createAppClock(config, calendar, latest);
}
