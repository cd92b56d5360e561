import type { EventEnvelope } from '@robo/event-store';
import type { Projection } from '../projection';
import { accountPerformanceProjection, type AccountDayDoc } from '../projections/account-performance.projection';
import { dailyClosesProjection, type DailyCloseDoc } from '../projections/daily-closes.projection';
import { positionsProjection, type PositionCycleDoc } from '../projections/positions.projection';
import { strategyPerformanceProjection, type StrategyDayDoc } from '../projections/strategy-performance.projection';
import { projectAll } from '../testing/test-log';
import { accountPerformance, strategyPerformance, type PerformanceReport, type StrategyCurvePoint } from './performance';
import { accountScenario, D1, D2, D3, D4, strategyScenario } from './testing/performance-scenario';

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

  it('derives the daily closes from the last fill of each day, any account', () => {
    expect(closes.map((c) => [c.instrument, c.date, c.pricePaise]).sort()).toEqual([
      ['INFY', D1, 10_000],
      ['INFY', D3, 9_500],
      ['RELIANCE', D1, 20_000],
      ['RELIANCE', D2, 21_000],
      ['TCS', D3, 29_800], // 15:00 is after the 13:00 and 13:01 fills at 30,000
      ['TCS', D4, 30_000], // acc-2's fill
    ]);
  });

  it('has a day document only for dates with activity', () => {
    expect(days.map((d) => d.date).sort()).toEqual([D1, D2, D3]);
  });

  it('values every close: equity = cash + Σ quantity x close, closes carried forward', () => {
    // D1 cash 1,000,000 - (200,000 + 50) - (100,000 + 30) = 699,920; RELIANCE 10 x 20,000 + INFY 10 x 10,000 = 300,000
    // D2 cash 699,920 + 500,000 + (210,000 - 60) = 1,409,860; INFY 10 x 10,000 (D1's close carried) = 100,000
    // D3 cash 1,409,860 + (95,000 - 40) - (360,000 + 48) - (240,000 + 32) - 200,000 - (149,000 + 20) = 555,720; TCS 25 x 29,800 = 745,000
    // D4 no activity of acc-1: cash 555,720; TCS 25 x 30,000 (acc-2's fill) = 750,000
    expect(report.equityCurve).toEqual([
      { date: D1, equityPaise: 999_920, cashPaise: 699_920, marketValuePaise: 300_000, grossExposurePaise: 300_000, flowsPaise: 1_000_000, unpricedInstruments: [] },
      { date: D2, equityPaise: 1_509_860, cashPaise: 1_409_860, marketValuePaise: 100_000, grossExposurePaise: 100_000, flowsPaise: 500_000, unpricedInstruments: [] },
      { date: D3, equityPaise: 1_300_720, cashPaise: 555_720, marketValuePaise: 745_000, grossExposurePaise: 745_000, flowsPaise: -200_000, unpricedInstruments: [] },
      { date: D4, equityPaise: 1_305_720, cashPaise: 555_720, marketValuePaise: 750_000, grossExposurePaise: 750_000, flowsPaise: 0, unpricedInstruments: [] },
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

  it('computes time-weighted returns that ignore the deposit and the withdrawal', () => {
    // r2 = (1,509,860 - 500,000) / 999,920 - 1 = +0.009940795264
    // r3 = (1,300,720 + 200,000) / 1,509,860 - 1 = -0.006053541388
    // r4 = 1,305,720 / 1,300,720 - 1 = +0.003844024848
    // growth 1.009940795264 x 0.993946458612 x 1.003844024848 = 1.007685813086
    // mean 0.002577092908; sample stdev 0.008072083909; downside dev sqrt(0.006053541388² / 3) = 0.003495013750
    expect([s.startEquityPaise, s.endEquityPaise, s.netFlowsPaise]).toEqual([999_920, 1_305_720, 300_000]);
    // 1,305,720 - 999,920 - 300,000 = 5,800 = realized 4,820 + TCS unrealized (750,000 - 749,000) - TCS charges 100
    // + the 80 of D1 charges that are already in the base (the first day of the window is the base)
    expect(s.profitPaise).toBe(5_800);
    expect(s.totalReturn).toBeCloseTo(0.007685813086, 11);
    expect(s.cagr).toBeCloseTo(1.007685813086 ** 84 - 1, 9); // 0.902445
    expect(s.volatility).toBeCloseTo(0.008072083909 * SQRT252, 9); // 0.128140
    expect(s.sharpe).toBeCloseTo((0.002577092908 / 0.008072083909) * SQRT252, 8); // 5.068094
    expect(s.sortino).toBeCloseTo((0.002577092908 / 0.00349501375) * SQRT252, 7); // 11.705271
    expect(s.riskFreeRate).toBe(0);
  });

  it('measures drawdowns on the P&L curve and the growth index', () => {
    // P&L since D1: 0; 1,509,860 - 500,000 - 999,920 = 9,940; 9,940 + (1,500,720 - 1,509,860) = 800; 800 + 5,000 = 5,800
    // paise: peak 9,940 -> 800 = 9,140 (max); 9,940 - 5,800 = 4,140 (current)
    // fraction: D3 1 - (1 + r3) = 0.006053541388 (max); D4 1 - (1 + r3)(1 + r4) = 0.002232786504 (current)
    expect(report.drawdownSeries.map((d) => d.drawdownPaise)).toEqual([0, 0, 9_140, 4_140]);
    expect([s.maxDrawdownPaise, s.currentDrawdownPaise]).toEqual([9_140, 4_140]);
    expect(s.maxDrawdown).toBeCloseTo(9_140 / 1_509_860, 12);
    expect(s.currentDrawdown).toBeCloseTo(0.002232786504, 11);
    expect(s.calmar).toBeCloseTo((1.007685813086 ** 84 - 1) / (9_140 / 1_509_860), 5); // 149.077208
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
    // each day's equity P&L: E_t - F_t - E_{t-1}; D1 is the base
    expect([D1, D2, D3, D4].map((d) => day[d].profitPaise)).toEqual([0, 9_940, -9_140, 5_000]);
    expect(day[D1].return).toBeNull();
    expect(day[D2].return).toBeCloseTo(0.009940795264, 11);
    expect(day[D3].trades.netPnlPaise).toBe(-5_070);
    expect(day[D4].trades.tradeCount).toBe(0);
    expect(Object.keys(report.byPeriod.week)).toEqual(['2026-W47']);
    expect(report.byPeriod.week['2026-W47'].profitPaise).toBe(5_800);
    expect(report.byPeriod.week['2026-W47'].return).toBeCloseTo(0.007685813086, 11);
    expect(report.byPeriod.month['2026-11'].trades.tradeCount).toBe(2);
  });

  it('reports a window: balances still come from the whole history', () => {
    const window = accountPerformance({ accountId: 'acc-1', days, cycles, closes, options: { from: D3, to: D3 } });
    expect(window.equityCurve.map((p) => [p.date, p.equityPaise])).toEqual([[D3, 1_300_720]]);
    expect(window.trades.map((t) => t.instrument)).toEqual(['INFY']);
    expect([window.statistics.sharpe, window.statistics.totalReturn]).toEqual([null, 0]);
    expect(window.notes).toEqual(['one day in the window: daily-return statistics need two or more']);
    // D2-D4: the D2 close is the base, so the deposit of D2 is in it
    const later = accountPerformance({ accountId: 'acc-1', days, cycles, closes, options: { from: D2 } });
    expect(later.statistics.startEquityPaise).toBe(1_509_860);
    expect(later.statistics.profitPaise).toBe(-4_140); // -9,140 + 5,000
  });

  it('subtracts a daily risk-free rate of rf / 252', () => {
    // rf 2.52 % a year = 0.0001 a day: (0.002577092908 - 0.0001) / 0.008072083909 x sqrt(252) = 4.871432
    const withRf = accountPerformance({ accountId: 'acc-1', days, cycles, closes, options: { riskFreeRate: 0.0252 } });
    expect(withRf.statistics.sharpe).toBeCloseTo(((0.002577092908 - 0.0001) / 0.008072083909) * SQRT252, 8);
  });

  it('values a holding without any close at its average cost and says so', () => {
    const noTcs = closes.filter((c) => c.instrument !== 'TCS');
    const r = accountPerformance({ accountId: 'acc-1', days, cycles, closes: noTcs });
    // D3 and D4: TCS at its cost 749,000 instead of 745,000 and 750,000
    expect(r.equityCurve.map((p) => [p.date, p.equityPaise, p.unpricedInstruments])).toEqual([
      [D1, 999_920, []],
      [D2, 1_509_860, []],
      [D3, 1_304_720, ['TCS']],
    ]);
    expect(r.notes).toEqual(['TCS had no close price on 1 day(s) (2026-11-18 to 2026-11-18): valued at its average cost']);
    expect(r.openPositions[0]).toMatchObject({ instrument: 'TCS', closePricePaise: null, marketValuePaise: 749_000 });
  });

  it('puts extra trading days on the curve with the last values carried', () => {
    const r = accountPerformance({ accountId: 'acc-1', days, cycles, closes, options: { tradingDays: ['2026-11-20'] } });
    expect(r.equityCurve.map((p) => [p.date, p.equityPaise])).toEqual([
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
    const r = accountPerformance({ accountId: 'nobody', days: [], cycles: [], closes });
    expect([r.equityCurve, r.trades, r.from, r.statistics.tradeCount, r.statistics.sharpe]).toEqual([[], [], null, 0, null]);
    expect(r.notes).toEqual(['no activity in the window']);
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

  it('values alpha: capital + its cash + its holdings at closes set by anyone', () => {
    // D1 cash 1,000,000 - 200,050 = 799,950; RELIANCE 10 x 20,100 (beta's fill is the day's last) = 201,000
    // D2 cash 799,950 + 204,945 = 1,004,895; flat
    // D3 cash 1,004,895 - (59,800 + 6) - (29,950 + 4) = 915,135; TCS 3 x 29,950 = 89,850
    // D4 TCS 3 x 29,500 (a fill by hand on the same account) = 88,500
    expect(alpha.equityCurve.map((p) => [p.date, p.equityPaise, p.cashPaise, p.marketValuePaise, p.realizedNetPaise, p.feesPaise])).toEqual([
      [D1, 1_000_950, 799_950, 201_000, 0, 50],
      [D2, 1_004_895, 1_004_895, 0, 4_895, 105],
      [D3, 1_004_985, 915_135, 89_850, 4_895, 115],
      [D4, 1_003_635, 915_135, 88_500, 4_895, 115],
    ]);
    expect(alpha.openPositions).toEqual([{ instrument: 'TCS', quantity: 3, costBasisPaise: 89_750, closePricePaise: 29_500, closeDate: D4, marketValuePaise: 88_500 }]);
    const s = alpha.statistics;
    // r2 = 1,004,895 / 1,000,950 - 1 = 0.003941255807; r3 = 1,004,985 / 1,004,895 - 1 = 0.000089561596
    // r4 = 1,003,635 / 1,004,985 - 1 = -0.001343303631; growth 1.002682451671
    // mean 0.000895837924; stdev 0.002732984312; downside sqrt(0.001343303631² / 3) = 0.000775556713
    expect(s.profitPaise).toBe(2_685); // 1,003,635 - 1,000,950
    expect(s.totalReturn).toBeCloseTo(0.002682451671, 11);
    expect(s.cagr).toBeCloseTo(0.252353106359, 9);
    expect(s.volatility).toBeCloseTo(0.002732984312 * SQRT252, 9);
    expect(s.sharpe).toBeCloseTo(5.20346425133, 8);
    expect(s.sortino).toBeCloseTo(18.336487748, 7);
    expect([s.maxDrawdownPaise, s.currentDrawdownPaise]).toEqual([1_350, 1_350]); // P&L 0, 3,945, 4,035, 2,685
    expect(s.maxDrawdown).toBeCloseTo(0.001343303631, 11);
    expect(s.calmar).toBeCloseTo(0.252353106359 / 0.001343303631, 4); // 187.860064
    // gross / equity: 201,000 / 1,000,950; 0; 89,850 / 1,004,985; 88,500 / 1,003,635 -> mean 0.094598254583
    expect(s.exposure).toBeCloseTo(0.094598254583, 11);
    expect(alpha.notes).toEqual([]);
  });

  it('values beta: a short is a negative market value, its proceeds are in cash', () => {
    // D1 cash 500,000 + (80,400 - 20) = 580,380; RELIANCE -4 x 20,100 = -80,400 -> 499,980
    // D2 cash 580,380 - (81,200 + 20) + (60,000 - 15) = 559,145; TCS -2 x 30,000 = -60,000 -> 499,145
    // D3 no beta fill; TCS -2 x 29,950 = -59,900 -> 499,245.  D4 TCS -2 x 29,500 = -59,000 -> 500,145
    expect(beta.equityCurve.map((p) => [p.date, p.equityPaise, p.marketValuePaise, p.grossExposurePaise])).toEqual([
      [D1, 499_980, -80_400, 80_400],
      [D2, 499_145, -60_000, 60_000],
      [D3, 499_245, -59_900, 59_900],
      [D4, 500_145, -59_000, 59_000],
    ]);
    const s = beta.statistics;
    // r2 = -0.001670066803; r3 = 0.000200342586; r4 = 0.001802722110; growth 1.000330013201
    // mean 0.000110999298; stdev 0.001738117480; downside sqrt(0.001670066803² / 3) = 0.000964213518
    expect(s.totalReturn).toBeCloseTo(0.000330013201, 11);
    expect(s.sharpe).toBeCloseTo(1.013774527088, 8);
    expect(s.sortino).toBeCloseTo(1.827457501639, 8);
    expect(s.cagr).toBeCloseTo(0.028104212256, 9);
    expect([s.maxDrawdownPaise, s.currentDrawdownPaise]).toEqual([835, 0]); // P&L 0, -835, -735, +165
    expect(s.maxDrawdown).toBeCloseTo(0.001670066803, 11);
    expect(s.exposure).toBeCloseTo(0.12973973631, 10);
  });

  it('without capital reports the P&L curve and leaves return-based figures null, saying why', () => {
    const noCapital = strategyPerformance({ strategyId: 'alpha', days: of('alpha'), closes });
    expect(noCapital.equityCurve.map((p) => p.equityPaise)).toEqual([950, 4_895, 4_985, 3_635]);
    const s = noCapital.statistics;
    expect([s.totalReturn, s.cagr, s.volatility, s.sharpe, s.sortino, s.calmar, s.exposure, s.maxDrawdown, s.currentDrawdown]).toEqual([null, null, null, null, null, null, null, null, null]);
    expect([s.profitPaise, s.maxDrawdownPaise, s.netPnlPaise]).toEqual([2_685, 1_350, 4_895]);
    expect(noCapital.drawdownSeries.every((d) => d.drawdown === null)).toBe(true);
    expect(noCapital.byPeriod.day[D2].return).toBeNull();
    expect(noCapital.notes).toHaveLength(1);
    expect(noCapital.notes[0]).toMatch(/^no capitalPaise: /);
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
