import { createMarketCalendar } from '@robo/domain';
import { ConfigError, loadConfig } from './config/app-config';
import { SimulatedClock, SteeredClock, SystemClock } from './clock';
import { createAppClock, latestSessionOpen } from './session-clock';

const calendar = createMarketCalendar({ holidays: ['2026-11-24'] });

describe('latestSessionOpen', () => {
  it.each([
    ['a trading day, before the open: that day', '2026-11-20T02:00:00Z', '2026-11-20T03:45:00.000Z'],
    ['a trading day, after the close: that day', '2026-11-20T14:00:00Z', '2026-11-20T03:45:00.000Z'],
    ['a Sunday: the Friday before', '2026-11-22T06:00:00Z', '2026-11-20T03:45:00.000Z'],
    ['a holiday Tuesday: the Monday before', '2026-11-24T06:00:00Z', '2026-11-23T03:45:00.000Z'],
    ['just after IST midnight on Monday (still Sunday in UTC): Monday', '2026-11-22T19:00:00Z', '2026-11-23T03:45:00.000Z'],
  ])('%s', (_name, now, open) => {
    expect(latestSessionOpen(now, calendar)).toBe(open);
  });
});

describe('paper configuration and the app clock', () => {
  it('defaults: no demo, paper trading off, the wall clock', () => {
    const config = loadConfig({});
    expect(config.paper).toMatchObject({ demo: false, enabled: false, clockMode: 'wall', marketSeed: 'robo-demo', marketStepSeconds: 60, slippageBps: 5, fillFractionPct: 25, tickMs: 1000 });
    expect(createAppClock(config, calendar)).toBeInstanceOf(SystemClock);
    expect(createAppClock(loadConfig({ CLOCK_START: '2026-11-20T10:00:00+05:30' }), calendar)).toBeInstanceOf(SimulatedClock);
  });

  it('DEMO without CLOCK_START: paper trading on, business time steered from the latest session open at speed 60', () => {
    const config = loadConfig({ DEMO: 'true' });
    expect(config.paper).toMatchObject({ demo: true, enabled: true, clockMode: 'market', marketSpeed: 60 });
    const clock = createAppClock(config, calendar);
    expect(clock).toBeInstanceOf(SteeredClock);
    expect(clock.now()).toBe(latestSessionOpen(new Date().toISOString(), calendar));
  });

  it('a steered clock only moves forward', () => {
    const clock = new SteeredClock('2026-11-20T09:15:00+05:30');
    clock.set('2026-11-20T09:20:00+05:30');
    clock.set('2026-11-20T09:16:00+05:30');
    expect(clock.now()).toBe('2026-11-20T03:50:00.000Z');
  });

  it.each([
    ['DEMO', 'maybe'],
    ['MARKET_SEED', 'has space'],
    ['MARKET_STEP_SECONDS', '0'],
    ['PAPER_SLIPPAGE_BPS', '-1'],
    ['PAPER_FILL_FRACTION', '101'],
    ['PAPER_TICK_MS', 'x'],
    ['CLOCK_MODE', 'lunar'],
    ['PAPER_TRADING', '2'],
  ])('%s=%s is refused with a ConfigError naming it', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(variable);
  });
});
