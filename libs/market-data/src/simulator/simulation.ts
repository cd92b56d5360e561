import { createMarketCalendar, InvalidCommand, type IsoInstant, type MarketCalendar, type Paise } from '@robo/domain';
import { instantMs, nextOpenMs, SESSION_SECONDS, TRADING_DAYS_PER_YEAR } from '../calendar/trading-days';
import type { Quote, Tick } from '../market-data.port';
import { createPrng, type Prng, type PrngState } from '../random/prng';
import { roundToTick, touchAround } from './tick-grid';

export interface SimInstrument {
  symbol: string;
  startPricePaise: Paise;
  /** Annualised volatility of log returns over trading time: 0.25 means 25% a year. */
  annualVolatility: number;
  tickSizePaise: Paise;
  /** Ask minus bid, in ticks; 0 for an index (not tradable, bid = ask = last). */
  spreadTicks: number;
  /** Annual drift of the price; defaults to the simulation's `driftAnnual`. */
  driftAnnual?: number;
  /** Mean quantity traded per minute of session (0 for an index). */
  volumePerMinute?: number;
  /** Volumes are whole lots (1 for equities). */
  lotSize?: number;
}

export interface SimulationConfig {
  /** Same seed, same instruments, same start and step: the same ticks, always. */
  seed: number | string;
  instruments: readonly SimInstrument[];
  /** Where the clock starts; the first step lands on the first trading instant after it. */
  start: IsoInstant;
  /** Trading time between two steps (closed time is skipped, not stepped through). */
  stepSeconds: number;
  /** Default annual drift, 0 (a driftless market: strategies cannot win by merely holding). */
  driftAnnual?: number;
  /** Trading days and holidays; the domain's default NSE calendar when omitted. */
  calendar?: MarketCalendar;
}

/** Everything needed to resume a simulation exactly where it was (plain JSON). */
export interface SimulationSnapshot {
  version: 1;
  atMs: number;
  steps: number;
  instruments: Record<string, { level: number; prng: PrngState; volume: number }>;
}

export interface SimulationStep {
  at: IsoInstant;
  ticks: Tick[];
}

export interface Simulation {
  readonly config: Readonly<SimulationConfig>;
  readonly calendar: MarketCalendar;
  /** The instant of the last step (the start before the first step). */
  now(): IsoInstant;
  /** The instant the next step() will land on. */
  nextStepAt(): IsoInstant;
  /** Steps taken so far. */
  steps(): number;
  /** Advances one step of trading time and returns every instrument's new tick. */
  step(): SimulationStep;
  quote(symbol: string): Quote | null;
  quotes(): Quote[];
  snapshot(): SimulationSnapshot;
}

const TRADING_SECONDS_PER_YEAR = TRADING_DAYS_PER_YEAR * SESSION_SECONDS;

interface Lane {
  spec: SimInstrument;
  prng: Prng;
  /** The unrounded price: rounding each step to the tick would bias a low-priced path. */
  level: number;
  volume: number;
}

/**
 * A seeded market of geometric Brownian motions, one per instrument:
 *   S(t + dt) = S(t) x exp((mu - sigma^2 / 2) dt + sigma sqrt(dt) Z),  Z ~ N(0, 1),
 * with dt = stepSeconds / (252 x 375 x 60), i.e. volatility is per year of trading time; the market does not move
 * while it is closed (no overnight gaps). The published last price is S rounded to the tick grid; bid and ask sit
 * around it (touchAround). Volume per step is lognormal with mean volumePerMinute x stepSeconds / 60 (sigma 0.5),
 * rounded down to whole lots.
 * Each instrument draws from its own generator seeded with `${seed}:${symbol}`, so adding an instrument to the list
 * does not change the path of the others.
 * Steps land only inside the normal market (09:15-15:30 IST on trading days): a step that would fall outside it
 * lands on the next session's open instead.
 */
export function createSimulation(config: SimulationConfig, snapshot?: SimulationSnapshot): Simulation {
  validate(config);
  const calendar = config.calendar ?? createMarketCalendar();
  const stepMs = config.stepSeconds * 1000;
  const dt = config.stepSeconds / TRADING_SECONDS_PER_YEAR;
  let atMs = snapshot?.atMs ?? instantMs(config.start);
  let steps = snapshot?.steps ?? 0;
  const lanes = new Map<string, Lane>(
    config.instruments.map((spec) => {
      const saved = snapshot?.instruments[spec.symbol];
      const lane: Lane = saved
        ? { spec, prng: createPrng(saved.prng), level: saved.level, volume: saved.volume }
        : { spec, prng: createPrng(`${config.seed}:${spec.symbol}`), level: spec.startPricePaise, volume: 0 };
      return [spec.symbol, lane];
    }),
  );
  const iso = (ms: number): IsoInstant => new Date(ms).toISOString();
  const quoteOf = (lane: Lane): Quote => {
    const { symbol, tickSizePaise, spreadTicks } = lane.spec;
    const lastPaise = roundToTick(lane.level, tickSizePaise);
    return { symbol, ...touchAround(lastPaise, spreadTicks, tickSizePaise), lastPaise, volume: lane.volume, at: iso(atMs) };
  };
  const advance = (lane: Lane): void => {
    const { annualVolatility: sigma, volumePerMinute = 0, lotSize = 1 } = lane.spec;
    const mu = lane.spec.driftAnnual ?? config.driftAnnual ?? 0;
    // Both draws are taken every step, whatever the configuration, so a stream's position depends only on the step.
    const z = lane.prng.nextNormal();
    const zVolume = lane.prng.nextNormal();
    lane.level *= Math.exp((mu - (sigma * sigma) / 2) * dt + sigma * Math.sqrt(dt) * z);
    // exp(0.5 Z - 0.125) has mean 1: E[exp(sZ)] = exp(s^2 / 2) with s = 0.5.
    const mean = (volumePerMinute * config.stepSeconds) / 60;
    lane.volume = Math.floor((mean * Math.exp(0.5 * zVolume - 0.125)) / lotSize) * lotSize;
  };
  return {
    config,
    calendar,
    now: () => iso(atMs),
    nextStepAt: () => iso(nextOpenMs(atMs + stepMs, calendar)),
    steps: () => steps,
    step: () => {
      atMs = nextOpenMs(atMs + stepMs, calendar);
      steps += 1;
      const ticks: Tick[] = [];
      for (const lane of lanes.values()) {
        advance(lane);
        ticks.push(quoteOf(lane));
      }
      return { at: iso(atMs), ticks };
    },
    quote: (symbol) => {
      const lane = lanes.get(symbol);
      return lane ? quoteOf(lane) : null;
    },
    quotes: () => [...lanes.values()].map(quoteOf),
    snapshot: () => ({
      version: 1,
      atMs,
      steps,
      instruments: Object.fromEntries([...lanes.entries()].map(([symbol, lane]) => [symbol, { level: lane.level, prng: lane.prng.state(), volume: lane.volume }])),
    }),
  };
}

function validate(config: SimulationConfig): void {
  const problems: string[] = [];
  if (typeof config.seed !== 'number' && typeof config.seed !== 'string') problems.push('seed must be a number or a string');
  if (!Number.isSafeInteger(config.stepSeconds) || config.stepSeconds <= 0 || config.stepSeconds > SESSION_SECONDS) {
    problems.push(`stepSeconds must be a whole number of seconds from 1 to ${SESSION_SECONDS}`);
  }
  if (config.driftAnnual !== undefined && !Number.isFinite(config.driftAnnual)) problems.push('driftAnnual must be finite');
  if (!Array.isArray(config.instruments) || config.instruments.length === 0) problems.push('at least one instrument is needed');
  const seen = new Set<string>();
  for (const i of config.instruments ?? []) {
    const positive = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
    if (seen.has(i.symbol)) problems.push(`${i.symbol}: listed twice`);
    seen.add(i.symbol);
    if (!positive(i.tickSizePaise) || !positive(i.startPricePaise) || i.startPricePaise % i.tickSizePaise !== 0) {
      problems.push(`${i.symbol}: start price and tick must be positive integers, the price on the tick grid`);
    }
    if (!Number.isFinite(i.annualVolatility) || i.annualVolatility < 0 || i.annualVolatility > 5) problems.push(`${i.symbol}: annualVolatility must be within 0..5`);
    if (!Number.isSafeInteger(i.spreadTicks) || i.spreadTicks < 0) problems.push(`${i.symbol}: spreadTicks must be a non-negative integer`);
    if (i.volumePerMinute !== undefined && !(Number.isFinite(i.volumePerMinute) && i.volumePerMinute >= 0)) problems.push(`${i.symbol}: volumePerMinute must be >= 0`);
    if (i.lotSize !== undefined && !positive(i.lotSize)) problems.push(`${i.symbol}: lotSize must be a positive integer`);
    if (i.driftAnnual !== undefined && !Number.isFinite(i.driftAnnual)) problems.push(`${i.symbol}: driftAnnual must be finite`);
  }
  instantMs(config.start);
  if (problems.length > 0) throw new InvalidCommand('SIMULATION_CONFIG_INVALID', `simulation: ${problems.join('; ')}`, { problems });
}

/** A saved simulation with what it was made from: a snapshot only resumes the same seed on the same step. */
export interface SavedSimulation {
  seed: number | string;
  stepSeconds: number;
  snapshot: SimulationSnapshot;
}

/** The saved form of a running simulation (plain JSON). */
export function saveSimulation(simulation: Simulation): SavedSimulation {
  return { seed: simulation.config.seed, stepSeconds: simulation.config.stepSeconds, snapshot: simulation.snapshot() };
}

/**
 * The simulation a restart continues: the saved one (same seed and step), brought forward step by step to the last
 * step at or before `until` when that is later, so the price path goes on exactly as it would have without the
 * restart (steps taken since the save are taken again, deterministically). Without a usable save: the seed's path
 * from config.start.
 */
export function continueSimulation(config: SimulationConfig, saved: SavedSimulation | null, until: IsoInstant): Simulation {
  const usable = saved !== null && saved.seed === config.seed && saved.stepSeconds === config.stepSeconds && saved.snapshot?.version === 1 && Number.isFinite(saved.snapshot.atMs);
  if (!usable) return createSimulation(config);
  const simulation = createSimulation(config, saved.snapshot);
  const untilMs = instantMs(until);
  while (instantMs(simulation.nextStepAt()) <= untilMs) simulation.step();
  return simulation;
}
