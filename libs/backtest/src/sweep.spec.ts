import { expandGrid, GridError, rankBy, walkForwardWindows } from './sweep';

describe('parameter sweeps', () => {
  it('expands a grid over the base parameters, the last key varying fastest', () => {
    expect(expandGrid({ instrument: 'INFY' }, { fastPeriod: [3, 5], slowPeriod: [10, 20] })).toEqual([
      { instrument: 'INFY', fastPeriod: 3, slowPeriod: 10 },
      { instrument: 'INFY', fastPeriod: 3, slowPeriod: 20 },
      { instrument: 'INFY', fastPeriod: 5, slowPeriod: 10 },
      { instrument: 'INFY', fastPeriod: 5, slowPeriod: 20 },
    ]);
    expect(() => expandGrid({}, {})).toThrow(GridError);
    expect(() => expandGrid({}, { a: [] })).toThrow('grid.a must be a non-empty array of values');
    expect(() => expandGrid({}, { a: Array.from({ length: 40 }, (_, i) => i), b: Array.from({ length: 30 }, (_, i) => i) })).toThrow('the grid has 1200 points; at most 1000');
  });

  it('ranks the highest first, a drawdown the lowest first, missing figures last, ties in grid order', () => {
    const runs = [
      { id: 'a', statistics: { profitPaise: 5, maxDrawdownPaise: 30, sharpe: null } },
      { id: 'b', statistics: { profitPaise: 9, maxDrawdownPaise: 10, sharpe: 1.2 } },
      { id: 'c', statistics: { profitPaise: 5, maxDrawdownPaise: 20, sharpe: 0.4 } },
    ];
    expect(rankBy(runs, 'profitPaise').map((r) => r.id)).toEqual(['b', 'a', 'c']);
    expect(rankBy(runs, 'maxDrawdownPaise').map((r) => r.id)).toEqual(['b', 'c', 'a']);
    expect(rankBy(runs, 'sharpe').map((r) => r.id)).toEqual(['b', 'c', 'a']);
  });

  it('cuts walk-forward windows: each out-of-sample window follows its in-sample window of the same length', () => {
    expect(walkForwardWindows('2026-11-20T04:00:00.000Z', '2026-11-20T07:00:00.000Z', 2)).toEqual([
      { inSample: { from: '2026-11-20T04:00:00.000Z', to: '2026-11-20T04:59:59.999Z' }, outOfSample: { from: '2026-11-20T05:00:00.000Z', to: '2026-11-20T05:59:59.999Z' } },
      { inSample: { from: '2026-11-20T05:00:00.000Z', to: '2026-11-20T05:59:59.999Z' }, outOfSample: { from: '2026-11-20T06:00:00.000Z', to: '2026-11-20T07:00:00.000Z' } },
    ]);
    expect(() => walkForwardWindows('2026-11-20T04:00:00.000Z', '2026-11-20T04:01:00.000Z', 3)).toThrow('too short');
  });
});
