import { breakdown, ClosedTrade, equityStatistics, periodKey, tradeStatistics } from './statistics';

/** Seven round trips closed on consecutive days; charges 100 paise each. Net P&L: +1000 -500 +2000 0 -300 -200 +1500. */
const nets = [1000, -500, 2000, 0, -300, -200, 1500];
const holdSeconds = [3600, 1800, 7200, 600, 3600, 1800, 2400];
const trades: ClosedTrade[] = nets.map((net, i) => {
  const closedAt = Date.parse(`2026-11-${String(10 + i).padStart(2, '0')}T06:00:00Z`);
  return {
    instrument: i % 2 === 0 ? 'RELIANCE' : 'INFY',
    openedAt: new Date(closedAt - holdSeconds[i] * 1000).toISOString(),
    closedAt: new Date(closedAt).toISOString(),
    realizedGrossPaise: net + 100,
    feesPaise: 100,
    realizedNetPaise: net,
  };
});

describe('tradeStatistics (hand-computed)', () => {
  const s = tradeStatistics(trades);

  it('sums P&L and fees', () => {
    expect(s.tradeCount).toBe(7);
    expect(s.grossPnlPaise).toBe(4200); // 1100 - 400 + 2100 + 100 - 200 - 100 + 1600
    expect(s.feesPaise).toBe(700); // 7 x 100
    expect(s.netPnlPaise).toBe(3500); // 4200 - 700
  });

  it('counts wins and losses, break-even in neither', () => {
    expect([s.wins, s.losses]).toEqual([3, 3]);
    expect(s.winRate).toBeCloseTo(3 / 7, 12);
    expect(s.lossRate).toBeCloseTo(3 / 7, 12);
    expect(s.grossWinsPaise).toBe(4500); // 1000 + 2000 + 1500
    expect(s.grossLossesPaise).toBe(1000); // 500 + 300 + 200
  });

  it('derives averages and ratios', () => {
    expect(s.averageWinPaise).toBe(1500); // 4500 / 3
    expect(s.averageLossPaise).toBeCloseTo(1000 / 3, 9); // 333.33
    expect(s.profitFactor).toBe(4.5); // 4500 / 1000
    expect(s.expectancyPaise).toBe(500); // 3500 / 7
    expect(s.payoffRatio).toBeCloseTo(4.5, 12); // 1500 / 333.33
    expect(s.bestTradePaise).toBe(2000);
    expect(s.worstTradePaise).toBe(-500);
  });

  it('finds the longest streaks (W L W 0 L L W) and the average holding time', () => {
    expect(s.maxConsecutiveWins).toBe(1);
    expect(s.maxConsecutiveLosses).toBe(2);
    expect(s.averageHoldingSeconds).toBe(3000); // (3600+1800+7200+600+3600+1800+2400) / 7 = 21000 / 7
  });

  it('has no ratios when there is nothing to divide by', () => {
    const none = tradeStatistics([]);
    expect([none.winRate, none.profitFactor, none.expectancyPaise, none.payoffRatio]).toEqual([null, null, null, null]);
    const onlyWins = tradeStatistics([trades[0]]);
    expect(onlyWins.profitFactor).toBeNull();
    expect(onlyWins.winRate).toBe(1);
  });
});

describe('equityStatistics (hand-computed)', () => {
  // Equity at five closes; positions worth half of equity each day.
  const equity = [1_000_000, 1_010_000, 990_000, 1_020_000, 1_005_000];
  const series = equity.map((e, i) => ({ date: `2026-11-${16 + i}`, equityPaise: e, exposurePaise: e / 2 }));
  // Daily returns: +0.01, 990/1010-1 = -0.0198019802, 1020/990-1 = +0.0303030303, 1005/1020-1 = -0.0147058824
  // mean = 0.0014487919; sample stdev (n-1 = 3) = 0.0232254103; downside dev = sqrt((0.0198019802² + 0.0147058824²)/4) = 0.0123326943
  const s = equityStatistics(series);

  it('measures drawdown from the running peak', () => {
    expect(s.maxDrawdownPaise).toBe(20_000); // peak 1,010,000 -> 990,000
    expect(s.maxDrawdown).toBeCloseTo(20_000 / 1_010_000, 12); // 1.98 %
    expect(s.currentDrawdownPaise).toBe(15_000); // peak 1,020,000 -> 1,005,000
    expect(s.currentDrawdown).toBeCloseTo(15_000 / 1_020_000, 12);
    expect(s.drawdownSeries.map((d) => d.drawdownPaise)).toEqual([0, 0, 20_000, 0, 15_000]);
  });

  it('annualises with 252 trading days', () => {
    expect(s.totalReturn).toBeCloseTo(0.005, 12); // 1,005,000 / 1,000,000 - 1
    expect(s.cagr).toBeCloseTo(1.005 ** (252 / 4) - 1, 12); // 0.369184
    expect(s.volatility).toBeCloseTo(0.0232254103 * Math.sqrt(252), 8); // 0.368692
    expect(s.sharpe).toBeCloseTo((0.0014487919 / 0.0232254103) * Math.sqrt(252), 6); // 0.990246
    expect(s.sortino).toBeCloseTo((0.0014487919 / 0.0123326943) * Math.sqrt(252), 6); // 1.864869
    expect(s.calmar).toBeCloseTo((1.005 ** 63 - 1) / (20_000 / 1_010_000), 8); // 18.6438
    expect(s.exposure).toBeCloseTo(0.5, 12);
  });

  it('subtracts a risk-free rate from the daily mean', () => {
    // rf 5.04 % a year = 0.0002 a day: sharpe (0.0014487919 - 0.0002) / 0.0232254103 * sqrt(252) = 0.853546
    expect(equityStatistics(series, 0.0504).sharpe).toBeCloseTo(0.8535460601, 6);
    expect(equityStatistics(series, 0.0504).sortino).toBeCloseTo(1.5893985979, 6);
  });

  it('returns nulls for a series too short to have returns', () => {
    const one = equityStatistics(series.slice(0, 1));
    expect([one.sharpe, one.sortino, one.cagr, one.volatility]).toEqual([null, null, null, null]);
  });
});

describe('equityStatistics with deposits and withdrawals (time-weighted)', () => {
  // Equity at four closes; 5 lakh deposited on day 2, 2 lakh withdrawn on day 3.
  const series = [
    { date: '2026-11-16', equityPaise: 1_000_000, exposurePaise: 0 },
    { date: '2026-11-17', equityPaise: 1_510_000, exposurePaise: 0, flowsPaise: 500_000 },
    { date: '2026-11-18', equityPaise: 1_300_000, exposurePaise: 0, flowsPaise: -200_000 },
    { date: '2026-11-19', equityPaise: 1_320_000, exposurePaise: 0 },
  ];
  // r2 = (1,510,000 - 500,000) / 1,000,000 - 1 = +0.01
  // r3 = (1,300,000 + 200,000) / 1,510,000 - 1 = -0.0066225166 (a 10,000 loss, not a 210,000 fall)
  // r4 = 1,320,000 / 1,300,000 - 1 = +0.0153846154
  // growth index 1.01 x 0.9933774834 x 1.0153846154 = 1.0187468161
  // P&L curve: 0, 10,000, 0, 20,000 (= 1,320,000 - 1,000,000 - 300,000 of net flows)
  // mean 0.0062540329, sample stdev 0.0114718205, downside dev sqrt(0.0066225166² / 3) = 0.0038235117
  const s = equityStatistics(series);

  it('takes flows out of the returns', () => {
    expect(s.netFlowsPaise).toBe(300_000);
    expect(s.profitPaise).toBe(20_000);
    expect(s.totalReturn).toBeCloseTo(0.0187468161, 9);
    expect(s.cagr).toBeCloseTo(1.0187468161 ** 84 - 1, 6); // 252 / 3 = 84: 3.759554
    expect(s.volatility).toBeCloseTo(0.0114718205 * Math.sqrt(252), 8); // 0.182110
    expect(s.sharpe).toBeCloseTo(8.654223190, 6);
    expect(s.sortino).toBeCloseTo(25.965578899, 6);
  });

  it('measures drawdowns on the P&L curve and the growth index, not on raw equity', () => {
    // raw equity falls 210,000 from day 2 to day 3, but 200,000 of that is a withdrawal
    expect(s.maxDrawdownPaise).toBe(10_000);
    expect(s.maxDrawdown).toBeCloseTo(10_000 / 1_510_000, 12); // -r3
    expect(s.drawdownSeries.map((d) => d.drawdownPaise)).toEqual([0, 0, 10_000, 0]);
    expect([s.currentDrawdownPaise, s.currentDrawdown]).toEqual([0, 0]); // day 4 is a new high of both
    expect(s.calmar).toBeCloseTo((1.0187468161 ** 84 - 1) / (10_000 / 1_510_000), 2); // 567.69
  });

  it('gives the plain figures when no point carries a flow', () => {
    const plain = equityStatistics([{ date: '2026-11-16', equityPaise: 1_000, exposurePaise: 0 }, { date: '2026-11-17', equityPaise: 900, exposurePaise: 0, flowsPaise: 0 }]);
    // 900 / 1,000 - 1 = -0.1; the fall of 100 from the peak of 1,000 is 10 %
    expect(plain.totalReturn).toBeCloseTo(-0.1, 12);
    expect(plain.maxDrawdown).toBeCloseTo(0.1, 12);
    expect([plain.maxDrawdownPaise, plain.netFlowsPaise, plain.profitPaise]).toEqual([100, 0, -100]);
  });
});

describe('breakdown by instrument and period', () => {
  it('groups trades', () => {
    const byInstrument = breakdown(trades, (t) => t.instrument);
    expect(byInstrument.RELIANCE.netPnlPaise).toBe(1000 + 2000 - 300 + 1500);
    expect(byInstrument.INFY.netPnlPaise).toBe(-500 + 0 - 200);
    const byWeek = breakdown(trades, (t) => periodKey(t.closedAt.slice(0, 10), 'week'));
    expect(Object.keys(byWeek)).toEqual(['2026-W46', '2026-W47']); // Tue 10th - Sun 15th; Mon 16th
    expect(byWeek['2026-W47'].tradeCount).toBe(1);
  });

  it('names ISO weeks and months', () => {
    expect(periodKey('2026-01-01', 'week')).toBe('2026-W01'); // a Thursday
    expect(periodKey('2027-01-01', 'week')).toBe('2026-W53'); // a Friday belongs to the last week of 2026
    expect(periodKey('2026-11-20', 'month')).toBe('2026-11');
    expect(periodKey('2026-11-20', 'day')).toBe('2026-11-20');
  });
});
