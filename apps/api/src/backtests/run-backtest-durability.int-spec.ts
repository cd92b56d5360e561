import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseBarsCsv } from '@robo/backtest';
import { runBacktest } from './run-backtest';
import type { BacktestSpec } from '@robo/backtest';

/** Two sessions of one-minute INFY bars (Thu 19 and Fri 20 Nov 2026, 09:15 to 15:29 IST), closes on a wave. */
function twoSessions(): string {
  const lines = ['datetime,open,high,low,close,volume'];
  let i = 0;
  for (const day of ['2026-11-19', '2026-11-20']) {
    for (let m = 9 * 60 + 15; m < 15 * 60 + 30; m += 1, i += 1) {
      const close = (1000 + Math.round(20 * Math.sin(i / 7) + 5 * Math.sin(i / 2))).toFixed(2);
      lines.push(`${day} ${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')},${close},${close},${close},${close},100000`);
    }
  }
  return lines.join('\n');
}

const spec = (): BacktestSpec => ({
  kind: 'ma-crossover',
  parameters: { instrument: 'INFY', fastPeriod: 3, slowPeriod: 8 },
  from: '2026-11-19T03:45:00.000Z',
  to: '2026-11-20T09:59:00.000Z',
  data: { source: 'csv', file: 'bars.csv', symbol: 'INFY', bars: parseBarsCsv(twoSessions(), 'INFY') },
  capitalPaise: 100_000_000,
  // Orders sized from half the cash: charges and slippage never leave the account short of a whole allocation.
  allocationPaise: 50_000_000,
  slippageBps: 5,
  fillFractionPct: 25,
});

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'robo-backtest-durability-'));

describe('a backtest without fsync writes the same log as one with the live stores\' durability', () => {
  it('gives the same hash, events and statistics on the same inputs', async () => {
    const fast = await runBacktest(spec(), tmp());
    const durable = await runBacktest(spec(), tmp(), { durability: 'full' });
    expect(fast.steps).toBe(750);
    // Enough happens for the comparison to mean something: round trips, and the MIS square-off of the first day.
    expect(fast.report.statistics.tradeCount).toBeGreaterThan(10);
    expect(fast.events).toBeGreaterThan(fast.steps + 100);
    expect({ hash: durable.hash, events: durable.events, statistics: durable.report.statistics }).toEqual({ hash: fast.hash, events: fast.events, statistics: fast.report.statistics });
  });
});
