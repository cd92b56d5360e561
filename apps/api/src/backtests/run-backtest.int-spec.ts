import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseBarsCsv } from '@robo/backtest';
import { SqliteEventStore } from '@robo/event-store';
import { runBacktest } from './run-backtest';
import type { BacktestSpec } from '@robo/backtest';

// Friday 20 Nov 2026, one-minute bars of INFY from 09:15 IST; volume far above the order (no partial fill).
const CSV = [
  'datetime,open,high,low,close,volume',
  '2026-11-20 09:15,1000,1000,1000,1000.00,10000',
  '2026-11-20 09:16,990,990,990,990.00,10000',
  '2026-11-20 09:17,1010,1010,1010,1010.00,10000',
  '2026-11-20 09:18,1000,1000,1000,1000.00,10000',
  '2026-11-20 09:19,1000,1000,1000,1000.00,10000',
  '2026-11-20 09:20,1030,1030,1030,1030.00,10000',
].join('\n');

const spec = (): BacktestSpec => ({
  kind: 'ma-crossover',
  parameters: { instrument: 'INFY', fastPeriod: 1, slowPeriod: 2 },
  from: '2026-11-20T03:45:00.000Z',
  to: '2026-11-20T03:50:00.000Z',
  data: { source: 'csv', file: 'bars.csv', symbol: 'INFY', bars: parseBarsCsv(CSV, 'INFY') },
  capitalPaise: 10_000_000,
  slippageBps: 10,
  fillFractionPct: 25,
});

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'robo-backtest-'));

describe('a backtest runs the strategy through the paper-trading code path into its own log', () => {
  it('one round trip on six bars: fills, charges and P&L as computed by hand', async () => {
    const dir = tmp();
    const outcome = await runBacktest(spec(), dir);
    // Bar closes 1000, 990, 1010, 1000, 1000, 1030 (fast SMA 1, slow SMA 2). A bar closes when the next one arrives:
    // at 09:18 the 09:17 bar (1010) puts the fast average above the slow (1010 > 1000): buy floor(1,00,000 / 1,010) = 99
    // shares, MARKET; it fills at the next step (09:19) at 1000.00 + slippage 10 bp = 1.00, rounded up to the tick: 1001.00.
    // At 09:19 the 09:18 bar (1000 < 1005) crosses below: sell 99, filled at 09:20 at 1030.00 - 1.03 -> 1.05 on the tick = 1028.95.
    const buyTurnover = 99 * 100_100; // 99,09,900 paise
    const sellTurnover = 99 * 102_895; // 1,01,86,605 paise
    // Charges of 1 Oct 2024 (intraday equity), each line rounded half away from zero, GST 18% on brokerage + exchange + SEBI:
    // buy: brokerage min(0.03% = 2,973, 2,000) = 2,000; STT 0; exchange 0.00297% = 294.32 -> 294; SEBI 9.91 -> 10;
    //      stamp 0.003% = 297.30 -> 297; GST 18% of 2,304 = 414.72 -> 415; total 3,016
    const buyCharges = 2_000 + 0 + 294 + 10 + 297 + 415;
    // sell: brokerage 2,000; STT 0.025% = 2,546.65 -> 2,547; exchange 302.54 -> 303; SEBI 10.19 -> 10; stamp 0;
    //       GST 18% of 2,313 = 416.34 -> 416; total 5,276
    const sellCharges = 2_000 + 2_547 + 303 + 10 + 0 + 416;
    expect([buyTurnover, sellTurnover, buyCharges, sellCharges]).toEqual([9_909_900, 10_186_605, 3_016, 5_276]);
    const net = sellTurnover - buyTurnover - buyCharges - sellCharges; // 2,76,705 - 8,292 = 2,68,413 paise

    const store = SqliteEventStore.open({ file: path.join(dir, 'events.db') });
    try {
      const log = await store.readAll({ maxCount: 10_000 });
      const fills = log.filter((e) => e.type === 'OrderFilled').map((e) => e.data as { quantity: number; pricePaise: number; feesPaise: number; occurredAt: string });
      expect(fills.map((f) => [f.quantity, f.pricePaise, f.feesPaise, f.occurredAt])).toEqual([
        [99, 100_100, buyCharges, '2026-11-20T03:49:00.000Z'],
        [99, 102_895, sellCharges, '2026-11-20T03:50:00.000Z'],
      ]);
      // Recorded times are business times: the log does not depend on when it was run.
      expect(log.every((e) => e.recordedAt >= '2026-11-20T03:45:00.000Z' && e.recordedAt <= '2026-11-20T03:50:00.000Z')).toBe(true);
    } finally {
      await store.close();
    }
    expect(outcome.steps).toBe(6);
    expect(outcome.report.statistics).toMatchObject({ tradeCount: 1, wins: 1, grossPnlPaise: sellTurnover - buyTurnover, feesPaise: buyCharges + sellCharges, netPnlPaise: net, profitPaise: net, startEquityPaise: 10_000_000, endEquityPaise: 10_000_000 + net });
    expect(outcome.report.trades.map((t) => [t.instrument, t.direction, t.maxQuantity, t.realizedNetPaise])).toEqual([['INFY', 'LONG', 99, net]]);
    expect(outcome.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is deterministic: the same strategy, parameters and bars give the same log hash, other parameters another', async () => {
    const [a, b] = [await runBacktest(spec(), tmp()), await runBacktest(spec(), tmp())];
    expect(b.hash).toBe(a.hash);
    expect(b.events).toBe(a.events);
    const other = await runBacktest({ ...spec(), slippageBps: 20 }, tmp());
    expect(other.hash).not.toBe(a.hash);
  });

  it('the short straddle backtests on the simulator with its defaults: one basket sold at 09:20 and a stop per leg, each leg closed once', async () => {
    const dir = tmp();
    const outcome = await runBacktest({
      kind: 'short-straddle',
      parameters: {},
      from: '2026-11-24T03:45:00.000Z', // Tuesday 24 Nov 2026, 09:15 IST
      to: '2026-11-24T10:00:00.000Z',
      data: { source: 'simulator', seed: 's1', stepSeconds: 60 },
      capitalPaise: 300_000_000,
      slippageBps: 5,
      fillFractionPct: 25,
    }, dir);
    const store = SqliteEventStore.open({ file: path.join(dir, 'events.db') });
    try {
      const log = await store.readAll({ maxCount: 10_000 });
      const registered = log.find((e) => e.type === 'StrategyRegistered')!;
      expect(registered.data).toMatchObject({ kind: 'short-straddle', instruments: ['NIFTY'] });
      const placed = log.filter((e) => e.type === 'OrderPlaced').map((e) => e.data as { side: string; instrument: string; orderType: string; placedAt: string });
      const entries = placed.filter((o) => o.side === 'SELL' && o.orderType === 'MARKET');
      expect(entries.map((o) => [o.instrument.split(' ')[0], o.instrument.slice(-2), o.placedAt])).toEqual([
        ['NIFTY', 'CE', '2026-11-24T03:50:00.000Z'],
        ['NIFTY', 'PE', '2026-11-24T03:50:00.000Z'],
      ]);
      // The stops follow once the sales show in the positions (the next step).
      expect(placed.filter((o) => o.side === 'BUY' && o.orderType === 'SL-M').map((o) => [o.instrument.slice(-2), o.placedAt])).toEqual([
        ['CE', '2026-11-24T03:51:00.000Z'],
        ['PE', '2026-11-24T03:51:00.000Z'],
      ]);
    } finally {
      await store.close();
    }
    expect(outcome.report.statistics.tradeCount).toBe(2);
  });
});
