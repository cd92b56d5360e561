import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseBarsCsv } from '@robo/backtest';
import { createMarketCalendar, marketPhase, NORMAL_MARKET_CLOSE_MINUTES, NORMAL_MARKET_OPEN_MINUTES } from '@robo/domain';
import { addDays, isTradingDay } from '@robo/market-data';
import type { Figure } from '../bench/harness/report';
import { QUICK_SIZES } from '../bench/harness/suite';
import { evaluateTargets } from '../bench/harness/targets';
import { runPeer } from '../bench/workloads/backtest';
import { generateMinuteBars, type MinuteBarsOptions } from '../bench/workloads/backtest-bars';

const options = (over: Partial<MinuteBarsOptions> = {}): MinuteBarsOptions => ({
  from: '2026-01-19',
  to: '2026-02-01',
  seed: 'spec',
  startPaise: 150_000,
  tickPaise: 5,
  sigmaPerMinute: 0.0005,
  volume: { min: 20_000, max: 100_000 },
  ...over,
});

describe('benchmark bars: one-minute bars on the market calendar', () => {
  it('has one bar per minute of the normal market on each trading day, none on weekends or holidays', () => {
    const calendar = createMarketCalendar();
    const generated = generateMinuteBars(options({ calendar }));
    const bars = parseBarsCsv(generated.csv, 'INFY');
    expect(bars).toHaveLength(generated.bars);
    for (const bar of bars) expect(marketPhase(bar.startAt, calendar).phase).toBe('OPEN');

    const perDay = new Map<string, number>();
    for (const bar of bars) {
      const day = new Date(Date.parse(bar.startAt) + 330 * 60_000).toISOString().slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    const tradingDays: string[] = [];
    for (let d = '2026-01-19'; d <= '2026-02-01'; d = addDays(d, 1)) if (isTradingDay(d, calendar)) tradingDays.push(d);
    expect([...perDay.keys()]).toEqual(tradingDays);
    // Republic Day (a Monday in 2026) is a holiday of the bundled calendar; the weekends are not traded.
    expect(perDay.has('2026-01-26')).toBe(false);
    expect(perDay.has('2026-01-24')).toBe(false);
    for (const count of perDay.values()) expect(count).toBe(NORMAL_MARKET_CLOSE_MINUTES - NORMAL_MARKET_OPEN_MINUTES);
    expect(generated.tradingDays).toBe(tradingDays.length);
    expect([generated.firstAt, generated.lastAt]).toEqual(['2026-01-19 09:15', '2026-01-30 15:29']);
  });

  it('a holiday of the calendar it is given is left out', () => {
    const calendar = createMarketCalendar({ holidays: ['2026-01-20'] });
    const bars = parseBarsCsv(generateMinuteBars(options({ calendar })).csv, 'INFY');
    expect(bars.some((b) => b.startAt.startsWith('2026-01-20'))).toBe(false);
    expect(bars.some((b) => b.startAt.startsWith('2026-01-26T'))).toBe(true);
  });

  it('is a seeded random walk: each bar opens at the close before it, the same seed gives the same bars', () => {
    const bars = parseBarsCsv(generateMinuteBars(options()).csv, 'INFY');
    for (let i = 1; i < bars.length; i += 1) expect(bars[i].openPaise).toBe(bars[i - 1].closePaise);
    // Every price on the tick: the paper broker refuses a fill off it.
    expect(bars.flatMap((b) => [b.openPaise, b.highPaise, b.lowPaise, b.closePaise]).filter((p) => p % 5 !== 0)).toEqual([]);
    expect(generateMinuteBars(options()).csv).toBe(generateMinuteBars(options()).csv);
    expect(generateMinuteBars(options({ seed: 'other' })).csv).not.toBe(generateMinuteBars(options()).csv);
    expect(new Set(bars.map((b) => b.closePaise)).size).toBeGreaterThan(bars.length / 10);
  });
});

describe('benchmark peer: a peer that cannot run is reported as not measured', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-peer-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a command that does not exist', async () => {
    const outcome = await runPeer([path.join(dir, 'no-such-python')], []);
    expect(outcome).toEqual({ measured: false, reason: expect.stringContaining('cannot start') });
  });

  it('the peer script without python3 on the PATH: its reason, not a failure', async () => {
    // A PATH that holds only what the script needs besides python3.
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.symlinkSync(fs.realpathSync('/usr/bin/dirname'), path.join(bin, 'dirname'));
    const script = path.resolve(__dirname, '../scripts/bench/backtesting-peer.sh');
    const outcome = await runPeer([fs.realpathSync('/bin/bash'), script], ['--csv', 'x.csv'], { PATH: bin, BT_VENV: path.join(dir, 'venv') });
    expect(outcome).toEqual({ measured: false, reason: 'backtesting-peer.sh exited with 3: python3 is not installed: backtesting.py cannot run' });
    expect(fs.existsSync(path.join(dir, 'venv'))).toBe(false);
  });

  it('an answer that is not the JSON line, and one that is', async () => {
    const bad = await runPeer([process.execPath, '-e', 'console.log("hello")'], []);
    expect(bad).toEqual({ measured: false, reason: expect.stringContaining("not its JSON line") });
    const line = { version: '0.6.6', pandas: 'p', numpy: 'n', python: '3', bars: 10, trades: 2, returnPct: 1.5, loadSeconds: 0.1, runSeconds: 0.2, wallSeconds: 0.5 };
    const good = await runPeer([process.execPath, '-e', `console.error("warming up"); console.log(${JSON.stringify(JSON.stringify(line))})`], []);
    expect(good).toEqual({ measured: true, ...line, processSeconds: expect.any(Number) });
  });
});

describe('benchmark target: a year of one-minute bars under 2 minutes', () => {
  const figure = (seconds: number, bars: number): Figure => ({ id: 'backtest.seconds', workload: '8', figure: 'wall time', value: seconds, unit: 's', parameters: { bars } });
  const target = (figures: Figure[]) => evaluateTargets(figures, QUICK_SIZES).find((t) => t.target.startsWith('8. backtest'));

  it('is judged on a year of bars only', () => {
    expect(target([figure(54.6, 96_375)])).toEqual({ target: expect.any(String), measured: '54.6 s', met: true });
    expect(target([figure(130, 96_375)])?.met).toBe(false);
    expect(target([figure(5, 7_875)])).toEqual({ target: expect.any(String), measured: '5.00 s (reduced size: not comparable)', met: null });
    expect(target([])?.met).toBeNull();
  });
});
