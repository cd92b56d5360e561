import type { EventEnvelope } from '@robo/event-store';
import type { Projection } from '../projection';
import { accountPerformanceProjection, type AccountDayDoc } from '../projections/account-performance.projection';
import { dailyClosesProjection, type DailyCloseDoc } from '../projections/daily-closes.projection';
import { positionsProjection, type PositionCycleDoc } from '../projections/positions.projection';
import { strategyPerformanceProjection, type StrategyDayDoc } from '../projections/strategy-performance.projection';
import { projectAll } from '../testing/test-log';
import { accountPerformance, replayStrategy, strategyPerformance, type PerformanceReport, type StrategyCurvePoint } from './performance';
import { accountScenario, D1, D2, D3, D4, ist, PerformanceScenario, strategyScenario } from './testing/performance-scenario';

function docs<T>(projection: Projection, collection: string, events: readonly EventEnvelope[], keep: (doc: T) => boolean = () => true): T[] {
  return [...(projectAll(projection, events).get(collection)?.values() ?? [])].map((d) => d as T).filter(keep);
}

const SQRT252 = Math.sqrt(252);

describe('accountPerformance: a hand-computed four-day account (scenario in testing/performance-scenario.ts)', () => {
  const events = accountScenario().envelopes();
  const days = docs<AccountDayDoc>(accountPerformanceProjection, 'account_days', events, (d) => d.accountId === 'acc-1');
  const cycles = docs<PositionCycleDoc>(positionsProjection, 'position_cycles', events, (c) => c.accountId === 'acc-1');
  const closes = docs<DailyCloseDoc>(dailyClosesProjection, 'daily_closes', events);
  const report = accountPerformance({ accountId: 'acc-1', days, cycles, closes });
  const s = report.statistics;

  it("derives the daily closes from the market's recorded prices, never from a fill (acc-2's TCS at 31,000 is not the D4 close)", () => {
    expect(closes.map((c) => [c.instrument, c.date, c.pricePaise]).sort()).toEqual([
      ['INFY', D1, 10_000],
      ['INFY', D3, 9_500],
      ['RELIANCE', D1, 20_000],
      ['RELIANCE', D2, 21_000],
      ['TCS', D3, 29_800],
      ['TCS', D4, 30_000], // the market's, not acc-2's fill at 31,000
    ]);
  });

  it('has a day document only for dates with activity', () => {
    expect(days.map((d) => d.date).sort()).toEqual([D1, D2, D3]);
  });

  it('values every close: equity = cash + Σ quantity x close, closes carried forward', () => {
    // D1 cash 1,000,000 - (200,000 + 50) - (100,000 + 30) = 699,920; RELIANCE 10 x 20,000 + INFY 10 x 10,000 = 300,000
    // D2 cash 699,920 + 500,000 + (210,000 - 60) = 1,409,860; INFY 10 x 10,000 (D1's close carried) = 100,000
    // D3 cash 1,409,860 + (95,000 - 40) - (360,000 + 48) - (240,000 + 32) - 200,000 - (149,000 + 20) = 555,720; TCS 25 x 29,800 = 745,000
    // D4 no activity of acc-1: cash 555,720; TCS 25 x 30,000 (the market's close) = 750,000
    // The curve starts from the money put in on D1 (1,000,000), before that day's trades: its flows are in the start.
    expect(report.equityCurve).toEqual([
      { date: D1, kind: 'START', equityPaise: 1_000_000, cashPaise: 1_000_000, marketValuePaise: 0, grossExposurePaise: 0, flowsPaise: 1_000_000, unpricedInstruments: [] },
      { date: D1, kind: 'CLOSE', equityPaise: 999_920, cashPaise: 699_920, marketValuePaise: 300_000, grossExposurePaise: 300_000, flowsPaise: 0, unpricedInstruments: [] },
      { date: D2, kind: 'CLOSE', equityPaise: 1_509_860, cashPaise: 1_409_860, marketValuePaise: 100_000, grossExposurePaise: 100_000, flowsPaise: 500_000, unpricedInstruments: [] },
      { date: D3, kind: 'CLOSE', equityPaise: 1_300_720, cashPaise: 555_720, marketValuePaise: 745_000, grossExposurePaise: 745_000, flowsPaise: -200_000, unpricedInstruments: [] },
      { date: D4, kind: 'CLOSE', equityPaise: 1_305_720, cashPaise: 555_720, marketValuePaise: 750_000, grossExposurePaise: 750_000, flowsPaise: 0, unpricedInstruments: [] },
    ]);
    expect(report.openPositions).toEqual([{ instrument: 'TCS', quantity: 25, costBasisPaise: 749_000, closePricePaise: 30_000, closeDate: D4, marketValuePaise: 750_000 }]);
    expect([report.from, report.to, s.days]).toEqual([D1, D4, 4]);
  });

  it('computes the trade statistics over the two round trips', () => {
    // RELIANCE: gross 10 x (21,000 - 20,000) = 10,000; fees 50 + 60 = 110; net 9,890; held D1 10:00 -> D2 11:00 = 90,000 s
    // INFY:     gross 10 x (9,500 - 10,000) = -5,000; fees 30 + 40 = 70;   net -5,070; held D1 14:00 -> D3 10:00 = 158,400 s
    expect(report.trades.map((t) => [t.instrument, t.direction, t.realizedGrossPaise, t.feesPaise, t.realizedNetPaise, t.closedOn])).toEqual([
      ['RELIANCE', 'LONG', 10_000, 110, 9_890, D2],
      ['INFY', 'LONG', -5_000, 70, -5_070, D3],
    ]);
    expect([s.tradeCount, s.wins, s.losses]).toEqual([2, 1, 1]);
    expect([s.grossPnlPaise, s.feesPaise, s.netPnlPaise]).toEqual([5_000, 180, 4_820]);
    expect([s.grossWinsPaise, s.grossLossesPaise]).toEqual([9_890, 5_070]);
    expect([s.winRate, s.lossRate]).toEqual([0.5, 0.5]);
    expect([s.averageWinPaise, s.averageLossPaise, s.bestTradePaise, s.worstTradePaise]).toEqual([9_890, 5_070, 9_890, -5_070]);
    expect(s.profitFactor).toBeCloseTo(9_890 / 5_070, 12); // 1.950690
    expect(s.expectancyPaise).toBe(2_410); // 4,820 / 2
    expect(s.payoffRatio).toBeCloseTo(9_890 / 5_070, 12);
    expect([s.maxConsecutiveWins, s.maxConsecutiveLosses]).toEqual([1, 1]); // W, L
    expect(s.averageHoldingSeconds).toBe(124_200); // (90,000 + 158,400) / 2
  });

  // Daily returns r_t = (E_t - F_t) / E_{t-1} - 1 from the hand-computed curve, written out as the reference.
  const r = [999_920 / 1_000_000 - 1, (1_509_860 - 500_000) / 999_920 - 1, (1_300_720 + 200_000) / 1_509_860 - 1, 1_305_720 / 1_300_720 - 1];
  const growth = r.reduce((g, x) => g * (1 + x), 1);
  const mean = r.reduce((a, x) => a + x, 0) / 4;
  const stdev = Math.sqrt(r.reduce((a, x) => a + (x - mean) ** 2, 0) / 3);
  const downside = Math.sqrt(r.reduce((a, x) => a + Math.min(0, x) ** 2, 0) / 4);

  it('computes time-weighted returns that ignore the deposit and the withdrawal, from the first day', () => {
    // r1 = 999,920 / 1,000,000 - 1 = -0.00008 (D1's charges); r2 = +0.009940795264; r3 = -0.006053541388; r4 = +0.003844024848
    expect(r[0]).toBeCloseTo(-0.00008, 15);
    expect([s.startEquityPaise, s.endEquityPaise, s.netFlowsPaise]).toEqual([1_000_000, 1_305_720, 300_000]);
    // 1,305,720 - 1,000,000 - 300,000 = 5,720 = realized 4,820 + TCS unrealized (750,000 - 749,000) - TCS charges 100
    expect(s.profitPaise).toBe(5_720);
    expect(s.totalReturn).toBeCloseTo(growth - 1, 12); // 0.007605197, profit and return agree in sign
    expect(s.cagr).toBeCloseTo(growth ** 63 - 1, 9); // 252 / 4 returns
    expect(s.volatility).toBeCloseTo(stdev * SQRT252, 9);
    expect(s.sharpe).toBeCloseTo((mean / stdev) * SQRT252, 8);
    expect(s.sortino).toBeCloseTo((mean / downside) * SQRT252, 7);
    expect(s.riskFreeRate).toBe(0);
  });

  it('measures drawdowns on the P&L curve and the growth index, the first day included', () => {
    // P&L from the start: 0; D1 -80; D2 -80 + 9,940 = 9,860; D3 9,860 - 9,140 = 720; D4 720 + 5,000 = 5,720
    // paise: 0, 80, 0, 9,140 (max: 9,860 -> 720), 4,140 (current)
    expect(report.drawdownSeries.map((d) => d.drawdownPaise)).toEqual([0, 80, 0, 9_140, 4_140]);
    expect(report.drawdownSeries[1].drawdown).toBeCloseTo(0.00008, 15);
    expect([s.maxDrawdownPaise, s.currentDrawdownPaise]).toEqual([9_140, 4_140]);
    expect(s.maxDrawdown).toBeCloseTo(-r[2], 12);
    expect(s.currentDrawdown).toBeCloseTo(1 - (1 + r[2]) * (1 + r[3]), 11);
    expect(s.calmar).toBeCloseTo((growth ** 63 - 1) / -r[2], 5);
  });

  it('measures exposure as the mean of gross market value / equity', () => {
    // 300,000 / 999,920 = 0.300024001920; 100,000 / 1,509,860 = 0.066231306214;
    // 745,000 / 1,300,720 = 0.572759702319; 750,000 / 1,305,720 = 0.574395735686; mean 0.378352686535
    expect(s.exposure).toBeCloseTo(0.378352686535, 11);
  });

  it('breaks the trades down by instrument and by day, week and month', () => {
    expect(Object.keys(report.byInstrument)).toEqual(['INFY', 'RELIANCE']);
    expect(report.byInstrument.RELIANCE.netPnlPaise).toBe(9_890);
    expect(report.byInstrument.INFY.netPnlPaise).toBe(-5_070);
    const day = report.byPeriod.day;
    expect(Object.keys(day)).toEqual([D1, D2, D3, D4]);
    // each day's equity P&L: E_t - F_t - E_{t-1}; D1 against the start
    expect([D1, D2, D3, D4].map((d) => day[d].profitPaise)).toEqual([-80, 9_940, -9_140, 5_000]);
    expect(day[D1].return).toBeCloseTo(-0.00008, 15);
    expect(day[D2].return).toBeCloseTo(0.009940795264, 11);
    expect(day[D3].trades.netPnlPaise).toBe(-5_070);
    expect(day[D4].trades.tradeCount).toBe(0);
    expect(Object.keys(report.byPeriod.week)).toEqual(['2026-W47']);
    expect(report.byPeriod.week['2026-W47'].profitPaise).toBe(5_720);
    expect(report.byPeriod.week['2026-W47'].return).toBeCloseTo(growth - 1, 12);
    expect(report.byPeriod.month['2026-11'].trades.tradeCount).toBe(2);
  });

  it('reports a window: balances still come from the whole history', () => {
    const window = accountPerformance({ accountId: 'acc-1', days, cycles, closes, options: { from: D3, to: D3 } });
    // It starts from the close before it (D2's), so D3's own loss counts
    expect(window.equityCurve.map((p) => [p.date, p.kind, p.equityPaise])).toEqual([
      [D3, 'START', 1_509_860],
      [D3, 'CLOSE', 1_300_720],
    ]);
    expect(window.trades.map((t) => t.instrument)).toEqual(['INFY']);
    expect(window.statistics.sharpe).toBeNull();
    expect(window.statistics.totalReturn).toBeCloseTo(r[2], 12);
    expect([window.statistics.profitPaise, window.statistics.maxDrawdownPaise, window.statistics.days]).toEqual([-9_140, 9_140, 1]);
    expect(window.notes).toEqual(['one day in the window: volatility, Sharpe and Sortino need two or more daily returns']);
    // D2-D4: the D1 close is the start, the D2 deposit a flow
    const later = accountPerformance({ accountId: 'acc-1', days, cycles, closes, options: { from: D2 } });
    expect(later.statistics.startEquityPaise).toBe(999_920);
    expect(later.statistics.profitPaise).toBe(5_800); // 9,940 - 9,140 + 5,000
  });

  it('subtracts a daily risk-free rate of rf / 252', () => {
    // rf 2.52 % a year = 0.0001 a day
    const withRf = accountPerformance({ accountId: 'acc-1', days, cycles, closes, options: { riskFreeRate: 0.0252 } });
    expect(withRf.statistics.sharpe).toBeCloseTo(((mean - 0.0001) / stdev) * SQRT252, 8);
  });

  it('values a holding without any close at its average cost and says so', () => {
    const noTcs = closes.filter((c) => c.instrument !== 'TCS');
    const noClose = accountPerformance({ accountId: 'acc-1', days, cycles, closes: noTcs });
    // D3 and D4: TCS at its cost 749,000 instead of 745,000 and 750,000
    expect(noClose.equityCurve.map((p) => [p.date, p.equityPaise, p.unpricedInstruments])).toEqual([
      [D1, 1_000_000, []],
      [D1, 999_920, []],
      [D2, 1_509_860, []],
      [D3, 1_304_720, ['TCS']],
    ]);
    expect(noClose.notes).toEqual(['TCS had no close price on 1 day(s) (2026-11-18 to 2026-11-18): valued at its average cost']);
    expect(noClose.openPositions[0]).toMatchObject({ instrument: 'TCS', closePricePaise: null, marketValuePaise: 749_000 });
  });

  it('puts extra trading days on the curve with the last values carried', () => {
    const extra = accountPerformance({ accountId: 'acc-1', days, cycles, closes, options: { tradingDays: ['2026-11-20'] } });
    expect(extra.equityCurve.map((p) => [p.date, p.equityPaise])).toEqual([
      [D1, 1_000_000],
      [D1, 999_920],
      [D2, 1_509_860],
      [D3, 1_300_720],
      [D4, 1_305_720],
      ['2026-11-20', 1_305_720],
    ]);
  });

  it('refuses bad options with INVALID_QUERY and documents of another account', () => {
    const bad = [{ from: '2026-13-01' }, { from: D3, to: D2 }, { riskFreeRate: Number.NaN }, { capitalPaise: 0 }, { tradingDays: ['tomorrow'] }];
    for (const options of bad) expect(() => accountPerformance({ accountId: 'acc-1', days, cycles, closes, options })).toThrow(expect.objectContaining({ code: 'INVALID_QUERY' }));
    expect(() => accountPerformance({ accountId: 'acc-2', days, cycles: [], closes })).toThrow(RangeError);
  });

  it('is empty for an account without documents', () => {
    const none = accountPerformance({ accountId: 'nobody', days: [], cycles: [], closes });
    expect([none.equityCurve, none.trades, none.from, none.statistics.tradeCount, none.statistics.sharpe]).toEqual([[], [], null, 0, null]);
    expect(none.notes).toEqual(['no activity in the window']);
  });
});

describe('strategyPerformance: two strategies interleaved on one account (attribution)', () => {
  const events = strategyScenario().envelopes();
  const allDays = docs<StrategyDayDoc>(strategyPerformanceProjection, 'strategy_days', events);
  const closes = docs<DailyCloseDoc>(dailyClosesProjection, 'daily_closes', events);
  const of = (strategyId: string) => allDays.filter((d) => d.strategyId === strategyId);
  const alpha = strategyPerformance({ strategyId: 'alpha', days: of('alpha'), closes, options: { capitalPaise: 1_000_000 } });
  const beta = strategyPerformance({ strategyId: 'beta', days: of('beta'), closes, options: { capitalPaise: 500_000 } });

  it('attributes fills by strategy and ignores orders without one', () => {
    expect(allDays.map((d) => [d.strategyId, d.date, d.fills.map((f) => f.orderId)]).sort()).toEqual([
      ['alpha', D1, ['s-o1']],
      ['alpha', D2, ['s-o4']],
      ['alpha', D3, ['s-o7', 's-o7']],
      ['beta', D1, ['s-o2']],
      ['beta', D2, ['s-o5', 's-o6']],
    ]);
  });

  it("builds each strategy's own trades, not the account's netted position", () => {
    // alpha RELIANCE long: gross 10 x (20,500 - 20,000) = 5,000; fees 50 + 55 = 105; net 4,895; D1 10:00 -> D2 10:00 = 86,400 s
    expect(alpha.trades).toEqual([
      {
        instrument: 'RELIANCE',
        openedAt: '2026-11-16T10:00:00+05:30',
        closedAt: '2026-11-17T10:00:00+05:30',
        realizedGrossPaise: 5_000,
        feesPaise: 105,
        realizedNetPaise: 4_895,
        cycle: 1,
        direction: 'LONG',
        maxQuantity: 10,
        closedOn: D2,
      },
    ]);
    // beta RELIANCE short: gross 4 x (20,100 - 20,300) = -800; fees 20 + 20 = 40; net -840; D1 10:30 -> D2 11:00 = 88,200 s
    expect(beta.trades.map((t) => [t.instrument, t.direction, t.realizedGrossPaise, t.feesPaise, t.realizedNetPaise])).toEqual([['RELIANCE', 'SHORT', -800, 40, -840]]);
    // profit factor = gross wins / gross losses: none to divide by for alpha (null), 0 / 840 = 0 for beta
    expect([alpha.statistics.tradeCount, alpha.statistics.winRate, alpha.statistics.averageHoldingSeconds, alpha.statistics.profitFactor]).toEqual([1, 1, 86_400, null]);
    expect([beta.statistics.tradeCount, beta.statistics.lossRate, beta.statistics.averageHoldingSeconds, beta.statistics.profitFactor]).toEqual([1, 1, 88_200, 0]);
    expect([beta.statistics.averageLossPaise, beta.statistics.expectancyPaise, beta.statistics.maxConsecutiveLosses]).toEqual([840, -840, 1]);
  });

  it("values alpha: capital + its cash + its holdings at the market's closes", () => {
    // D1 cash 1,000,000 - 200,050 = 799,950; RELIANCE 10 x 20,100 (the market's close) = 201,000
    // D2 cash 799,950 + 204,945 = 1,004,895; flat
    // D3 cash 1,004,895 - (59,800 + 6) - (29,950 + 4) = 915,135; TCS 3 x 29,950 = 89,850
    // D4 TCS 3 x 29,500 = 88,500
    expect(alpha.equityCurve.map((p) => [p.date, p.equityPaise, p.cashPaise, p.marketValuePaise, p.realizedNetPaise, p.feesPaise])).toEqual([
      [D1, 1_000_000, 1_000_000, 0, 0, 0],
      [D1, 1_000_950, 799_950, 201_000, 0, 50],
      [D2, 1_004_895, 1_004_895, 0, 4_895, 105],
      [D3, 1_004_985, 915_135, 89_850, 4_895, 115],
      [D4, 1_003_635, 915_135, 88_500, 4_895, 115],
    ]);
    expect(alpha.openPositions).toEqual([{ instrument: 'TCS', quantity: 3, costBasisPaise: 89_750, closePricePaise: 29_500, closeDate: D4, marketValuePaise: 88_500 }]);
    const s = alpha.statistics;
    const ra = [1_000_950 / 1_000_000 - 1, 1_004_895 / 1_000_950 - 1, 1_004_985 / 1_004_895 - 1, 1_003_635 / 1_004_985 - 1];
    const ga = ra.reduce((g, x) => g * (1 + x), 1);
    const ma = ra.reduce((a, x) => a + x, 0) / 4;
    const sa = Math.sqrt(ra.reduce((a, x) => a + (x - ma) ** 2, 0) / 3);
    const da = Math.sqrt(ra.reduce((a, x) => a + Math.min(0, x) ** 2, 0) / 4);
    // 1,003,635 - 1,000,000 = realized 4,895 - TCS charges 10 + TCS unrealized (88,500 - 89,750)
    expect(s.profitPaise).toBe(3_635);
    expect(s.totalReturn).toBeCloseTo(0.003635, 12); // = ga - 1: no flows, so end / start - 1
    expect(ga - 1).toBeCloseTo(0.003635, 12);
    expect(s.cagr).toBeCloseTo(ga ** 63 - 1, 9);
    expect(s.volatility).toBeCloseTo(sa * SQRT252, 9);
    expect(s.sharpe).toBeCloseTo((ma / sa) * SQRT252, 8);
    expect(s.sortino).toBeCloseTo((ma / da) * SQRT252, 7);
    expect([s.maxDrawdownPaise, s.currentDrawdownPaise]).toEqual([1_350, 1_350]); // P&L 0, 950, 4,895, 4,985, 3,635
    expect(s.maxDrawdown).toBeCloseTo(-ra[3], 12);
    expect(s.calmar).toBeCloseTo((ga ** 63 - 1) / -ra[3], 4);
    // gross / equity over the closes: 201,000 / 1,000,950; 0; 89,850 / 1,004,985; 88,500 / 1,003,635 -> mean 0.094598254583
    expect(s.exposure).toBeCloseTo(0.094598254583, 11);
    expect(alpha.notes).toEqual([]);
  });

  it('values beta: a short is a negative market value, its proceeds are in cash', () => {
    // D1 cash 500,000 + (80,400 - 20) = 580,380; RELIANCE -4 x 20,100 = -80,400 -> 499,980
    // D2 cash 580,380 - (81,200 + 20) + (60,000 - 15) = 559,145; TCS -2 x 30,000 = -60,000 -> 499,145
    // D3 no beta fill; TCS -2 x 29,950 = -59,900 -> 499,245.  D4 TCS -2 x 29,500 = -59,000 -> 500,145
    expect(beta.equityCurve.map((p) => [p.date, p.equityPaise, p.marketValuePaise, p.grossExposurePaise])).toEqual([
      [D1, 500_000, 0, 0],
      [D1, 499_980, -80_400, 80_400],
      [D2, 499_145, -60_000, 60_000],
      [D3, 499_245, -59_900, 59_900],
      [D4, 500_145, -59_000, 59_000],
    ]);
    const s = beta.statistics;
    const rb = [499_980 / 500_000 - 1, 499_145 / 499_980 - 1, 499_245 / 499_145 - 1, 500_145 / 499_245 - 1];
    const mb = rb.reduce((a, x) => a + x, 0) / 4;
    const sb = Math.sqrt(rb.reduce((a, x) => a + (x - mb) ** 2, 0) / 3);
    const db = Math.sqrt(rb.reduce((a, x) => a + Math.min(0, x) ** 2, 0) / 4);
    expect(s.totalReturn).toBeCloseTo(500_145 / 500_000 - 1, 12); // 0.00029
    expect(s.sharpe).toBeCloseTo((mb / sb) * SQRT252, 8);
    expect(s.sortino).toBeCloseTo((mb / db) * SQRT252, 8);
    expect(s.cagr).toBeCloseTo((500_145 / 500_000) ** 63 - 1, 9);
    expect([s.maxDrawdownPaise, s.currentDrawdownPaise]).toEqual([855, 0]); // P&L 0, -20, -855, -755, +145
    expect(s.maxDrawdown).toBeCloseTo(1 - 499_145 / 500_000, 12); // 0.00171, the same fall as 855 paise
    expect(s.exposure).toBeCloseTo(0.12973973631, 10);
  });

  it('without capital reports the P&L curve and leaves return-based figures null, saying why', () => {
    const noCapital = strategyPerformance({ strategyId: 'alpha', days: of('alpha'), closes });
    expect(noCapital.equityCurve.map((p) => p.equityPaise)).toEqual([0, 950, 4_895, 4_985, 3_635]);
    const s = noCapital.statistics;
    expect([s.totalReturn, s.cagr, s.volatility, s.sharpe, s.sortino, s.calmar, s.exposure, s.maxDrawdown, s.currentDrawdown]).toEqual([null, null, null, null, null, null, null, null, null]);
    expect([s.profitPaise, s.maxDrawdownPaise, s.netPnlPaise]).toEqual([3_635, 1_350, 4_895]);
    expect(noCapital.drawdownSeries.every((d) => d.drawdown === null)).toBe(true);
    expect(noCapital.byPeriod.day[D2].return).toBeNull();
    expect(noCapital.notes).toHaveLength(1);
    expect(noCapital.notes[0]).toMatch(/^no capital: /);
  });

  it("adds up to the strategies' share of the account: realized P&L and charges", () => {
    const last = (r: PerformanceReport<StrategyCurvePoint>) => r.equityCurve[r.equityCurve.length - 1];
    expect(last(alpha).realizedNetPaise + last(beta).realizedNetPaise).toBe(4_895 - 840);
    // charges of every attributed fill: alpha 50 + 55 + 6 + 4, beta 20 + 20 + 15
    expect(last(alpha).feesPaise + last(beta).feesPaise).toBe(170);
  });

  it('refuses a document of another strategy', () => {
    expect(() => strategyPerformance({ strategyId: 'alpha', days: allDays, closes })).toThrow(RangeError);
  });
});

describe('statistics from day one (the curve starts from the starting equity)', () => {
  it('an account that lost on its first day shows the loss: profit, return and drawdown agree', () => {
    // Opens with 1,000,000; buys 10 INFY @ 10,000 (fees 30); the market closes INFY at 9,000.
    // Close: cash 1,000,000 - 100,030 = 899,970 + 10 x 9,000 = 989,970: lost 10,030 on day one.
    const events = new PerformanceScenario()
      .open('acc-d', 1_000_000, ist(D1, '09:00'))
      .trade('d-o1', { accountId: 'acc-d', instrument: 'INFY', side: 'BUY', quantity: 10 }, [[10, 10_000, 30, ist(D1, '10:00')]])
      .market(ist(D1, '15:29'), { INFY: 9_000 })
      .envelopes();
    const r = accountPerformance({
      accountId: 'acc-d',
      days: docs<AccountDayDoc>(accountPerformanceProjection, 'account_days', events),
      cycles: docs<PositionCycleDoc>(positionsProjection, 'position_cycles', events),
      closes: docs<DailyCloseDoc>(dailyClosesProjection, 'daily_closes', events),
    });
    const s = r.statistics;
    expect([s.startEquityPaise, s.endEquityPaise, s.profitPaise, s.maxDrawdownPaise, s.currentDrawdownPaise, s.days]).toEqual([1_000_000, 989_970, -10_030, 10_030, 10_030, 1]);
    expect(s.totalReturn).toBeCloseTo(-0.01003, 12);
    expect(s.maxDrawdown).toBeCloseTo(0.01003, 12);
    expect(s.currentDrawdown).toBeCloseTo(0.01003, 12);
    expect(r.drawdownSeries.map((d) => d.drawdownPaise)).toEqual([0, 10_030]);
  });

  // One strategy, 17 losing round trips on one day: each buys 1 INFY @ 10,000 and sells @ 9,990, fees 1 a leg (-12 each).
  const losing = new PerformanceScenario().open('acc-l', 1_000_000, ist(D1, '09:00'));
  for (let i = 0; i < 17; i++) {
    const minute = (m: number) => String(m).padStart(2, '0');
    losing.trade(`l-b${i}`, { accountId: 'acc-l', instrument: 'INFY', side: 'BUY', quantity: 1, strategyId: 'loser' }, [[1, 10_000, 1, ist(D1, `11:${minute(2 * i)}`)]]);
    losing.trade(`l-s${i}`, { accountId: 'acc-l', instrument: 'INFY', side: 'SELL', quantity: 1, strategyId: 'loser' }, [[1, 9_990, 1, ist(D1, `11:${minute(2 * i + 1)}`)]]);
  }
  const losingEvents = losing.market(ist(D1, '15:29'), { INFY: 9_990 }).envelopes();
  const losingDays = docs<StrategyDayDoc>(strategyPerformanceProjection, 'strategy_days', losingEvents);
  const losingCloses = docs<DailyCloseDoc>(dailyClosesProjection, 'daily_closes', losingEvents);

  it('a strategy after 17 straight losses on one day shows the drawdown (17 x 12 = 204)', () => {
    const r = strategyPerformance({ strategyId: 'loser', days: losingDays, closes: losingCloses });
    expect([r.statistics.tradeCount, r.statistics.maxConsecutiveLosses, r.statistics.netPnlPaise]).toEqual([17, 17, -204]);
    expect([r.statistics.profitPaise, r.statistics.maxDrawdownPaise]).toEqual([-204, 204]);
  });

  it("a strategy's capital allocation is the default base of its returns; capitalPaise overrides it", () => {
    const byAllocation = strategyPerformance({ strategyId: 'loser', days: losingDays, closes: losingCloses, capitalAllocationPaise: 100_000 });
    expect(byAllocation.statistics.startEquityPaise).toBe(100_000);
    expect(byAllocation.statistics.totalReturn).toBeCloseTo(-0.00204, 12);
    expect(byAllocation.statistics.maxDrawdown).toBeCloseTo(0.00204, 12);
    expect(byAllocation.notes).not.toContainEqual(expect.stringMatching(/^no capital/));
    const byOption = strategyPerformance({ strategyId: 'loser', days: losingDays, closes: losingCloses, capitalAllocationPaise: 100_000, options: { capitalPaise: 204_000 } });
    expect(byOption.statistics.totalReturn).toBeCloseTo(-0.001, 12);
  });
});

describe("a late fill report folds into the strategy's book in log order, as into the account's", () => {
  // Log order: BUY 10 and SELL 10 on D2 close a round trip; then a BUY 5 dated D1 (reported late) and a SELL 5 on D2
  // close a second. The account's position folds fills as the log holds them: two trades. Sorting the fills by business
  // time instead (BUY 5 first) would give one trade of 15 and a different average cost.
  const late = new PerformanceScenario().open('acc-late', 1_000_000, ist(D1, '09:00'));
  late.trade('late-b1', { accountId: 'acc-late', instrument: 'INFY', side: 'BUY', quantity: 10, strategyId: 'late' }, [[10, 10_000, 0, ist(D2, '10:00')]]);
  late.trade('late-s1', { accountId: 'acc-late', instrument: 'INFY', side: 'SELL', quantity: 10, strategyId: 'late' }, [[10, 10_100, 0, ist(D2, '10:05')]]);
  late.trade('late-b2', { accountId: 'acc-late', instrument: 'INFY', side: 'BUY', quantity: 5, strategyId: 'late' }, [[5, 9_000, 0, ist(D1, '14:00')]]);
  late.trade('late-s2', { accountId: 'acc-late', instrument: 'INFY', side: 'SELL', quantity: 5, strategyId: 'late' }, [[5, 9_100, 0, ist(D2, '10:10')]]);
  const lateEvents = late.market(ist(D2, '15:29'), { INFY: 9_100 }).envelopes();
  const lateDays = docs<StrategyDayDoc>(strategyPerformanceProjection, 'strategy_days', lateEvents);

  it('counts the trades the account counts, with the same realized P&L', () => {
    const replay = replayStrategy('late', lateDays);
    expect(replay.trades.map((t) => [t.maxQuantity, t.realizedNetPaise])).toEqual([
      [10, 1_000],
      [5, 500],
    ]);
    expect(replay.days.map((d) => [d.date, d.realizedNetPaise])).toEqual([
      [D1, 0],
      [D2, 1_500],
    ]);
    // The late buy is D1's line; D2's line nets to flat.
    expect(replay.days.map((d) => d.positions.map((p) => p.quantityChange))).toEqual([[5], [-5]]);
  });
});
