import type { Paise } from '@robo/domain';

/** Nearest multiple of the tick (half up), never below one tick: a listed price is always positive. */
export function roundToTick(price: number, tickPaise: Paise): Paise {
  return Math.max(tickPaise, Math.round(price / tickPaise) * tickPaise);
}

/** The tick multiple at or above a price (a stop or a cost rounded against the trader). */
export function ceilToTick(price: number, tickPaise: Paise): Paise {
  return Math.max(tickPaise, Math.ceil(price / tickPaise) * tickPaise);
}

/** The tick multiple at or below a price, never below one tick. */
export function floorToTick(price: number, tickPaise: Paise): Paise {
  return Math.max(tickPaise, Math.floor(price / tickPaise) * tickPaise);
}

/**
 * Bid and ask `spreadTicks` ticks apart around the last price: bid = last - floor(n / 2) ticks, ask = bid + n ticks
 * (so an odd spread leans to the ask). The bid stays at least one tick. n = 0 gives bid = ask = last (an index).
 */
export function touchAround(lastPaise: Paise, spreadTicks: number, tickPaise: Paise): { bidPaise: Paise; askPaise: Paise } {
  const bidPaise = Math.max(tickPaise, lastPaise - Math.floor(spreadTicks / 2) * tickPaise);
  return { bidPaise: spreadTicks === 0 ? lastPaise : bidPaise, askPaise: spreadTicks === 0 ? lastPaise : bidPaise + spreadTicks * tickPaise };
}
