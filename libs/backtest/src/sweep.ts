import type { JsonObject, JsonValue } from '@robo/domain';

/** A grid that cannot be swept: not an object of non-empty arrays, or too many points. */
export class GridError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GridError';
  }
}

export const MAX_GRID_POINTS = 1000;

/**
 * Every combination of the grid's values over the base parameters, in a fixed order (the grid's keys as written, the
 * last one varying fastest): `{ fast: [3, 5], slow: [10, 20] }` gives 3/10, 3/20, 5/10, 5/20.
 */
export function expandGrid(base: JsonObject, grid: JsonObject): JsonObject[] {
  const keys = Object.keys(grid);
  if (keys.length === 0) throw new GridError('the grid names no parameter');
  for (const key of keys) {
    const values = grid[key];
    if (!Array.isArray(values) || values.length === 0) throw new GridError(`grid.${key} must be a non-empty array of values`);
  }
  const total = keys.reduce((n, k) => n * (grid[k] as JsonValue[]).length, 1);
  if (total > MAX_GRID_POINTS) throw new GridError(`the grid has ${total} points; at most ${MAX_GRID_POINTS}`);
  let points: JsonObject[] = [{ ...base }];
  for (const key of keys) points = points.flatMap((p) => (grid[key] as JsonValue[]).map((v) => ({ ...p, [key]: v })));
  return points;
}

/** Statistics where less is better (a drawdown is a loss); every other one sorts the highest first. */
const LOWER_IS_BETTER = new Set(['maxDrawdownPaise', 'maxDrawdown', 'currentDrawdownPaise', 'currentDrawdown', 'volatility', 'feesPaise', 'losses', 'grossLossesPaise']);

/** Best first by one statistic (a missing or null figure last); ties keep the grid's order. */
export function rankBy<T extends { statistics: object }>(results: readonly T[], statistic: string): T[] {
  const lower = LOWER_IS_BETTER.has(statistic);
  const value = (r: T): number | null => {
    const v = (r.statistics as Record<string, unknown>)[statistic];
    return typeof v === 'number' ? v : null;
  };
  return results
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const va = value(a.r);
      const vb = value(b.r);
      if (va === null || vb === null) return va === vb ? a.i - b.i : va === null ? 1 : -1;
      return (lower ? va - vb : vb - va) || a.i - b.i;
    })
    .map(({ r }) => r);
}

/**
 * Walk-forward windows over [from, to]: `folds` consecutive out-of-sample windows, each preceded by the in-sample
 * window of the same length just before it (rolling). With folds = 1 the span is cut in two halves.
 */
export function walkForwardWindows(from: string, to: string, folds: number): { inSample: { from: string; to: string }; outOfSample: { from: string; to: string } }[] {
  if (!Number.isSafeInteger(folds) || folds < 1 || folds > 50) throw new GridError('folds must be 1 to 50');
  const start = Date.parse(from);
  const span = Date.parse(to) - start;
  const piece = Math.floor(span / (folds + 1));
  if (piece < 60_000) throw new GridError('the span is too short for that many folds (each window needs a minute at least)');
  const at = (k: number) => new Date(start + k * piece).toISOString();
  return Array.from({ length: folds }, (_, i) => ({
    inSample: { from: at(i), to: new Date(start + (i + 1) * piece - 1).toISOString() },
    outOfSample: { from: at(i + 1), to: i + 1 === folds ? new Date(Date.parse(to)).toISOString() : new Date(start + (i + 2) * piece - 1).toISOString() },
  }));
}
