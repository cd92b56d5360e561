import { createMarketCalendar } from '@robo/domain';
import type { EventEnvelope, ReadAllBackwardsOptions } from '@robo/event-store';
import { ConfigError, loadConfig } from './config/app-config';
import { SimulatedClock, SteeredClock, SystemClock } from './clock';
import { createAppClock, latestBusinessTime, latestSessionOpen, WALL_CLOCK_MAX_BEHIND_MS } from './session-clock';

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

/** A log as readAllBackwards sees it: events at positions 1..n, newest first. */
function logOf(events: { stream: string; occurredAt: string }[]) {
  const envelopes = events.map(
    (e, i): EventEnvelope => ({
      type: 'Something',
      data: {},
      metadata: { eventId: `e${i}`, correlationId: 'c', causationId: null, actor: 'test', occurredAt: e.occurredAt, schemaVersion: 1 },
      streamName: e.stream,
      streamRevision: 0n,
      globalPosition: BigInt(i + 1),
      recordedAt: '2026-12-01T00:00:00.000Z',
    }),
  );
  let reads = 0;
  return {
    reads: () => reads,
    async readAllBackwards(options: ReadAllBackwardsOptions = {}) {
      reads += 1;
      const before = options.before ?? BigInt(envelopes.length + 1);
      return envelopes.filter((e) => e.globalPosition < before).reverse().slice(0, options.maxCount ?? 1000);
    },
  };
}

describe('latestBusinessTime: read backwards from the head of the log', () => {
  it('is null for an empty log and for a log of administrative events only', async () => {
    expect(await latestBusinessTime(logOf([]))).toBeNull();
    expect(await latestBusinessTime(logOf([{ stream: 'credential-k1', occurredAt: '2026-12-07T08:00:00Z' }]))).toBeNull();
  });

  it('is the greatest business time of the newest events; a back-dated fill and the CLI wall-clock events do not count', async () => {
    const log = logOf([
      { stream: 'account-a', occurredAt: '2026-11-20T04:00:00Z' },
      { stream: 'order-o1', occurredAt: '2026-11-20T06:30:00Z' },
      { stream: 'order-o2', occurredAt: '2026-11-19T05:00:00Z' }, // a back-dated fill, the newest event of the log
      { stream: 'credential-k1', occurredAt: '2026-12-07T08:00:00Z' },
    ]);
    expect(await latestBusinessTime(log)).toBe('2026-11-20T06:30:00.000Z');
    expect(log.reads()).toBe(1);
  });

  it('pages back past a tail without business events, a bounded number of pages', async () => {
    const admin = Array.from({ length: 2500 }, () => ({ stream: 'credential-k', occurredAt: '2026-12-07T08:00:00Z' }));
    const log = logOf([{ stream: 'strategy-s', occurredAt: '2026-11-20T05:00:00Z' }, ...admin]);
    expect(await latestBusinessTime(log)).toBe('2026-11-20T05:00:00.000Z');
    expect(log.reads()).toBe(3);
  });
});

describe('the app clock never starts before the log', () => {
  const LATEST = '2026-11-20T06:30:00.000Z';
  const WALL = '2026-12-07T08:00:00.000Z';

  it('market mode without CLOCK_START resumes at the latest business time of the log', () => {
    const clock = createAppClock(loadConfig({ DEMO: 'true' }), calendar, LATEST, WALL);
    expect(clock).toBeInstanceOf(SteeredClock);
    expect(clock.now()).toBe(LATEST);
    expect(createAppClock(loadConfig({ DEMO: 'true' }), calendar, null, WALL).now()).toBe(latestSessionOpen(WALL, calendar));
  });

  it.each([
    ['market mode', { CLOCK_MODE: 'market' }],
    ['wall mode', {}],
  ])('%s: a CLOCK_START before it is refused with a ConfigError naming both instants', (_name, env) => {
    const config = loadConfig({ ...env, CLOCK_START: '2026-11-20T09:30:00+05:30' });
    let error: unknown;
    try {
      createAppClock(config, calendar, LATEST, WALL);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('CLOCK_START');
    expect((error as Error).message).toContain('2026-11-20T09:30:00+05:30');
    expect((error as Error).message).toContain(LATEST);
    expect((error as Error).message).toContain('CLOCK_ALLOW_REWIND');
  });

  it('a CLOCK_START at or after it starts there; CLOCK_ALLOW_REWIND=true lets an earlier one start', () => {
    expect(createAppClock(loadConfig({ CLOCK_MODE: 'market', CLOCK_START: LATEST }), calendar, LATEST, WALL).now()).toBe(LATEST);
    const rewound = createAppClock(loadConfig({ CLOCK_MODE: 'market', CLOCK_START: '2026-11-20T09:30:00+05:30', CLOCK_ALLOW_REWIND: 'true' }), calendar, LATEST, WALL);
    expect(rewound.now()).toBe('2026-11-20T04:00:00.000Z');
    expect(createAppClock(loadConfig({ CLOCK_START: '2026-11-20T09:30:00+05:30', CLOCK_ALLOW_REWIND: 'true' }), calendar, LATEST, WALL)).toBeInstanceOf(SimulatedClock);
  });

  it('the system clock far behind the log is refused, naming both instants; a little behind, it holds at the log time', () => {
    const ahead = new Date(Date.now() + WALL_CLOCK_MAX_BEHIND_MS + 60_000).toISOString();
    expect(() => createAppClock(loadConfig({}), calendar, ahead)).toThrow(ConfigError);
    expect(() => createAppClock(loadConfig({}), calendar, ahead)).toThrow(ahead);
    expect(createAppClock(loadConfig({ CLOCK_ALLOW_REWIND: 'true' }), calendar, ahead)).toBeInstanceOf(SystemClock);

    const slightlyAhead = new Date(Date.now() + 60_000).toISOString();
    const held = createAppClock(loadConfig({}), calendar, slightlyAhead);
    expect(held).toBeInstanceOf(SystemClock);
    expect(Date.parse(held.now())).toBeGreaterThanOrEqual(Date.parse(slightlyAhead));
  });

  it('CLOCK_ALLOW_REWIND=maybe is refused with a ConfigError naming it', () => {
    expect(() => loadConfig({ CLOCK_ALLOW_REWIND: 'maybe' })).toThrow('CLOCK_ALLOW_REWIND');
  });
});
