import { createMarketCalendar, InstrumentCatalog, marketPhase, type DomainError } from '@robo/domain';
import { defaultSimInstruments } from './default-instruments';
import { continueSimulation, createSimulation, saveSimulation, type SimInstrument, type SimulationConfig } from './simulation';

const INFY: SimInstrument = { symbol: 'INFY', startPricePaise: 150_000, annualVolatility: 0.24, tickSizePaise: 5, spreadTicks: 2, volumePerMinute: 2000 };
const TCS: SimInstrument = { symbol: 'TCS', startPricePaise: 310_000, annualVolatility: 0.2, tickSizePaise: 5, spreadTicks: 3, volumePerMinute: 600 };
const NIFTY: SimInstrument = { symbol: 'NIFTY', startPricePaise: 2_600_000, annualVolatility: 0.13, tickSizePaise: 5, spreadTicks: 0 };
const calendar = createMarketCalendar({ holidays: [] });
const config = (over: Partial<SimulationConfig> = {}): SimulationConfig => ({
  seed: 'seed-1',
  instruments: [INFY, TCS, NIFTY],
  start: '2026-11-20T09:15:00+05:30',
  stepSeconds: 60,
  calendar,
  ...over,
});
const run = (c: SimulationConfig, steps: number) => {
  const sim = createSimulation(c);
  return Array.from({ length: steps }, () => sim.step());
};

describe('simulation: reproducibility', () => {
  it('the same seed gives the same tick sequence, tick for tick', () => {
    expect(run(config(), 400)).toEqual(run(config(), 400));
  });

  it('another seed gives another path', () => {
    const last = (seed: string) => run(config({ seed }), 50).map((s) => s.ticks[0].lastPaise);
    expect(last('seed-1')).not.toEqual(last('seed-2'));
  });

  it('adding an instrument does not change the paths of the others', () => {
    const infyAlone = run(config({ instruments: [INFY] }), 100).map((s) => s.ticks[0]);
    const infyWithOthers = run(config({ instruments: [TCS, INFY, NIFTY] }), 100).map((s) => s.ticks[1]);
    expect(infyWithOthers).toEqual(infyAlone);
  });

  it('a snapshot resumes the same sequence', () => {
    const sim = createSimulation(config());
    for (let i = 0; i < 30; i += 1) sim.step();
    const resumed = createSimulation(config(), JSON.parse(JSON.stringify(sim.snapshot())));
    expect(Array.from({ length: 30 }, () => resumed.step())).toEqual(Array.from({ length: 30 }, () => sim.step()));
  });
});

describe('simulation: prices, quotes and volume', () => {
  const steps = run(config(), 375); // one full session of one-minute steps

  it('prices sit on the tick grid with the configured spread; an index has bid = ask = last and no volume', () => {
    for (const { ticks } of steps) {
      const [infy, tcs, nifty] = ticks;
      for (const t of ticks) expect([t.bidPaise % 5, t.askPaise % 5, t.lastPaise % 5]).toEqual([0, 0, 0]);
      // INFY: 2 ticks, bid = last - 1 tick, ask = last + 1 tick
      expect([infy.bidPaise, infy.askPaise]).toEqual([infy.lastPaise - 5, infy.lastPaise + 5]);
      // TCS: 3 ticks, bid = last - floor(3 / 2) = 1 tick, ask = bid + 3 ticks
      expect([tcs.bidPaise, tcs.askPaise]).toEqual([tcs.lastPaise - 5, tcs.lastPaise + 10]);
      expect([nifty.bidPaise, nifty.askPaise, nifty.volume]).toEqual([nifty.lastPaise, nifty.lastPaise, 0]);
      expect(Number.isInteger(infy.volume) && infy.volume >= 0).toBe(true);
    }
  });

  it('volume averages about volumePerMinute per one-minute step', () => {
    // lognormal with mean 2,000 and sigma 0.5: the mean of 375 draws is within a few percent of 2,000
    const mean = steps.reduce((s, step) => s + step.ticks[0].volume, 0) / steps.length;
    expect(mean).toBeGreaterThan(1800);
    expect(mean).toBeLessThan(2200);
  });

  it('log returns have the configured volatility per step (sigma x sqrt(dt))', () => {
    // 20 sessions of one-minute steps of a 50% vol path (a high price keeps tick rounding negligible)
    const wild: SimInstrument = { symbol: 'X', startPricePaise: 100_000_000, annualVolatility: 0.5, tickSizePaise: 5, spreadTicks: 2 };
    const sim = createSimulation(config({ instruments: [wild] }));
    const prices = [100_000_000, ...Array.from({ length: 7500 }, () => sim.step().ticks[0].lastPaise)];
    const returns = prices.slice(1).map((p, i) => Math.log(p / prices[i]));
    const mean = returns.reduce((s, r) => s + r, 0) / returns.length;
    const sd = Math.sqrt(returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (returns.length - 1));
    // dt = 60 / (252 x 375 x 60) = 1 / 94,500; expected sd = 0.5 / sqrt(94,500) = 0.0016265
    expect(sd / (0.5 / Math.sqrt(94_500))).toBeGreaterThan(0.96);
    expect(sd / (0.5 / Math.sqrt(94_500))).toBeLessThan(1.04);
  });

  it('quotes the start prices before the first step', () => {
    const sim = createSimulation(config());
    expect(sim.quote('INFY')).toEqual({ symbol: 'INFY', bidPaise: 149_995, askPaise: 150_005, lastPaise: 150_000, volume: 0, at: '2026-11-20T03:45:00.000Z' });
    expect(sim.quote('UNKNOWN')).toBeNull();
    expect(sim.quotes().map((q) => q.symbol)).toEqual(['INFY', 'TCS', 'NIFTY']);
  });
});

describe('simulation: the session clock', () => {
  it('steps only inside the normal market and jumps from the close to the next trading day open', () => {
    const holidayCalendar = createMarketCalendar({ holidays: ['2026-11-23'] });
    const sim = createSimulation(config({ start: '2026-11-20T15:28:00+05:30', calendar: holidayCalendar }));
    const times = Array.from({ length: 4 }, () => sim.step().at);
    // 15:29 Friday; 15:30 is closed -> Saturday, Sunday and holiday Monday skipped -> Tuesday 09:15, then 09:16
    expect(times).toEqual(['2026-11-20T09:59:00.000Z', '2026-11-24T03:45:00.000Z', '2026-11-24T03:46:00.000Z', '2026-11-24T03:47:00.000Z']);
    for (const t of times) expect(marketPhase(t, holidayCalendar).phase).toBe('OPEN');
  });

  it('a start in the night lands the first step on the open; nextStepAt says where the next step lands', () => {
    const sim = createSimulation(config({ start: '2026-11-21T02:00:00+05:30', stepSeconds: 1 })); // a Saturday
    expect(sim.nextStepAt()).toBe('2026-11-23T03:45:00.000Z');
    expect(sim.step().at).toBe('2026-11-23T03:45:00.000Z');
    expect(sim.step().at).toBe('2026-11-23T03:45:01.000Z');
    expect(sim.steps()).toBe(2);
    expect(sim.now()).toBe('2026-11-23T03:45:01.000Z');
  });

  it('uses the bundled NSE holidays by default (Christmas 2026 is a Friday)', () => {
    const sim = createSimulation({ ...config({ start: '2026-12-24T15:29:00+05:30' }), calendar: undefined });
    expect(sim.step().at).toBe('2026-12-28T03:45:00.000Z');
  });
});

describe('simulation: configuration', () => {
  it.each<[string, Partial<SimulationConfig>]>([
    ['a zero step', { stepSeconds: 0 }],
    ['no instruments', { instruments: [] }],
    ['a start price off the tick grid', { instruments: [{ ...INFY, startPricePaise: 150_003 }] }],
    ['a negative volatility', { instruments: [{ ...INFY, annualVolatility: -0.1 }] }],
    ['a symbol listed twice', { instruments: [INFY, INFY] }],
  ])('refuses %s', (_label, over) => {
    let caught: unknown;
    try {
      createSimulation(config(over));
    } catch (error) {
      caught = error;
    }
    expect((caught as DomainError).code).toBe('SIMULATION_CONFIG_INVALID');
  });

  it('a start without an offset is INVALID_TIME', () => {
    expect(() => createSimulation(config({ start: '2026-11-20T09:15:00' }))).toThrow(expect.objectContaining({ code: 'INVALID_TIME' }));
  });

  it('the default market lists every catalog equity and every index', () => {
    const instruments = defaultSimInstruments(new InstrumentCatalog());
    // 15 equities + NIFTY, BANKNIFTY, FINNIFTY, MIDCPNIFTY, NIFTYNXT50
    expect(instruments).toHaveLength(20);
    expect(instruments.find((i) => i.symbol === 'NIFTY')).toEqual({ symbol: 'NIFTY', startPricePaise: 2_600_000, annualVolatility: 0.13, tickSizePaise: 5, spreadTicks: 0, volumePerMinute: 0 });
    expect(instruments.find((i) => i.symbol === 'RELIANCE')).toMatchObject({ startPricePaise: 148_000, annualVolatility: 0.22, spreadTicks: 2, lotSize: 1 });
    expect(() => createSimulation(config({ instruments }))).not.toThrow();
  });
});

describe('simulation: continued after a restart', () => {
  const uninterrupted = (steps: number) => {
    const sim = createSimulation(config());
    for (let i = 0; i < steps; i += 1) sim.step();
    return sim;
  };

  it('from a save, brought forward to a later instant, it is where the uninterrupted path is', () => {
    const saved = JSON.parse(JSON.stringify(saveSimulation(uninterrupted(40))));
    const reference = uninterrupted(100);
    // The restart's clock is at the 100th step: a later start (another start instant) does not reset the path.
    const resumed = continueSimulation(config({ start: reference.now() }), saved, reference.now());
    expect(resumed.now()).toBe(reference.now());
    expect(resumed.quotes()).toEqual(reference.quotes());
    expect(resumed.step()).toEqual(reference.step());
  });

  it('a save ahead of the clock is kept as it is (the market had stepped past the last event)', () => {
    const saved = saveSimulation(uninterrupted(60));
    const resumed = continueSimulation(config(), saved, uninterrupted(50).now());
    expect(resumed.quotes()).toEqual(uninterrupted(60).quotes());
  });

  it('no save, or a save of another seed or step: the seed path from the configured start', () => {
    const fresh = createSimulation(config()).step();
    expect(continueSimulation(config(), null, '2026-11-20T12:00:00+05:30').step()).toEqual(fresh);
    const other = saveSimulation(createSimulation(config({ seed: 'seed-2' })));
    expect(continueSimulation(config(), other, '2026-11-20T12:00:00+05:30').step()).toEqual(fresh);
    const otherStep = saveSimulation(createSimulation(config({ stepSeconds: 300 })));
    expect(continueSimulation(config(), otherStep, '2026-11-20T12:00:00+05:30').step()).toEqual(fresh);
  });
});
