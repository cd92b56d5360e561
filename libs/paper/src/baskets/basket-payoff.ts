import { InvalidCommand, parseDerivativeSymbol, type Paise } from '@robo/domain';
import { basketPnl, type LegFill } from './basket-pnl';

/**
 * What a basket of option (and future) legs on one underlying is worth at expiry, as a function of the underlying's
 * settlement price S: every open leg settles at its intrinsic value (CE max(0, S - K), PE max(0, K - S), FUT S),
 * and the P&L is the basket's combined net P&L (basketPnl: average cost, every charge paid counted) at those prices.
 * Charges of closing the open legs are not counted (options that expire are settled, not traded).
 *
 * Between strikes the payoff is a straight line, so its extremes are at S = 0, at a strike, or unbounded beyond the
 * highest strike (the slope there is the net quantity of calls and futures); breakevens are found exactly on each
 * straight piece.
 */
export interface PayoffPoint {
  underlyingPaise: Paise;
  pnlPaise: Paise;
}

export interface BasketPayoff {
  underlying: string;
  /** Sorted settlement prices where the payoff bends (the strikes). */
  strikesPaise: Paise[];
  points: PayoffPoint[];
  /** Null: unlimited (the payoff rises without bound as S rises). */
  maxProfitPaise: Paise | null;
  /** Null: unlimited; otherwise the most negative P&L at expiry (a loss is negative). */
  maxLossPaise: Paise | null;
  /** Settlement prices with zero P&L, rounded to the paisa. */
  breakevensPaise: Paise[];
}

export interface LegShape {
  kind: 'CE' | 'PE' | 'FUT';
  strikePaise: Paise;
}

function shapeOf(instrument: string): { underlying: string; shape: LegShape } {
  const parsed = parseDerivativeSymbol(instrument);
  if (parsed === null) throw new InvalidCommand('BASKET_LEG_NOT_DERIVATIVE', `${instrument} is not an option or a future: a payoff at expiry needs derivative legs`, { instrument });
  return parsed.kind === 'FUT'
    ? { underlying: parsed.underlying, shape: { kind: 'FUT', strikePaise: 0 } }
    : { underlying: parsed.underlying, shape: { kind: parsed.optionType, strikePaise: parsed.strikePaise } };
}

export function settlementValue(shape: LegShape, underlyingPaise: Paise): Paise {
  switch (shape.kind) {
    case 'CE':
      return Math.max(0, underlyingPaise - shape.strikePaise);
    case 'PE':
      return Math.max(0, shape.strikePaise - underlyingPaise);
    case 'FUT':
      return underlyingPaise;
  }
}

/** The basket's net P&L if the underlying settles at S. */
export function pnlAtExpiry(fills: readonly LegFill[], shapes: ReadonlyMap<string, LegShape>, underlyingPaise: Paise): Paise {
  const prices: Record<string, Paise> = {};
  for (const [instrument, shape] of shapes) prices[instrument] = settlementValue(shape, underlyingPaise);
  return basketPnl(fills, prices).combined.totalNetPaise;
}

/** The payoff at expiry at these settlement prices, with its extremes and breakevens. Legs on one underlying only. */
export function basketPayoff(fills: readonly LegFill[], gridPaise: readonly Paise[]): BasketPayoff {
  if (fills.length === 0) throw new InvalidCommand('BASKET_EMPTY', 'a basket without fills has no payoff');
  const shapes = new Map<string, LegShape>();
  const underlyings = new Set<string>();
  for (const f of fills) {
    const { underlying, shape } = shapeOf(f.instrument);
    underlyings.add(underlying);
    shapes.set(f.instrument, shape);
  }
  if (underlyings.size > 1) throw new InvalidCommand('BASKET_UNDERLYINGS_MIXED', `the legs are on ${[...underlyings].join(', ')}: a payoff needs one underlying`);
  const at = (s: Paise) => pnlAtExpiry(fills, shapes, s);
  const strikes = [...new Set([...shapes.values()].filter((s) => s.kind !== 'FUT').map((s) => s.strikePaise))].sort((a, b) => a - b);
  const kinks = [0, ...strikes.filter((k) => k > 0)];
  const top = kinks[kinks.length - 1];
  // Beyond the highest strike every leg is linear in S: the slope per paisa of S is the change over one rupee / 100.
  const slope = (at(top + 100) - at(top)) / 100;
  const values = kinks.map((s) => ({ underlyingPaise: s, pnlPaise: at(s) }));
  const best = Math.max(...values.map((v) => v.pnlPaise));
  const worst = Math.min(...values.map((v) => v.pnlPaise));
  const breakevens: Paise[] = [];
  for (let i = 0; i < values.length - 1; i += 1) {
    const a = values[i];
    const b = values[i + 1];
    if (a.pnlPaise === 0) breakevens.push(a.underlyingPaise);
    else if (a.pnlPaise * b.pnlPaise < 0) breakevens.push(Math.round(a.underlyingPaise + (-a.pnlPaise * (b.underlyingPaise - a.underlyingPaise)) / (b.pnlPaise - a.pnlPaise)));
  }
  const last = values[values.length - 1];
  if (last.pnlPaise === 0 && values.length > 0) breakevens.push(last.underlyingPaise);
  else if (slope !== 0 && last.pnlPaise * slope < 0) breakevens.push(Math.round(last.underlyingPaise - last.pnlPaise / slope));
  const points = [...new Set([...gridPaise, ...strikes])].filter((s) => Number.isSafeInteger(s) && s >= 0).sort((a, b) => a - b).map((s) => ({ underlyingPaise: s, pnlPaise: at(s) }));
  return {
    underlying: [...underlyings][0],
    strikesPaise: strikes,
    points,
    maxProfitPaise: slope > 0 ? null : best,
    maxLossPaise: slope < 0 ? null : worst,
    breakevensPaise: [...new Set(breakevens)],
  };
}

/** Settlement prices from `lowPaise` to `highPaise` in `steps` equal steps, on whole rupees. */
export function payoffGrid(lowPaise: Paise, highPaise: Paise, steps: number): Paise[] {
  const grid: Paise[] = [];
  for (let i = 0; i <= steps; i += 1) grid.push(Math.round((lowPaise + ((highPaise - lowPaise) * i) / steps) / 100) * 100);
  return [...new Set(grid)];
}
