import type { IsoInstant, JsonObject } from '@robo/domain';
import type { Bar } from '@robo/paper';
import type { PerformanceReport } from '@robo/read-models';

export const BACKTEST_SPEC = Symbol('BACKTEST_SPEC');

/** Where a run's prices come from. */
export type BacktestData =
  | { source: 'csv'; file: string; symbol: string; bars: readonly Bar[] }
  | { source: 'simulator'; seed: string; stepSeconds: number };

/** Everything a run depends on: the same spec gives the same log, byte for byte. */
export interface BacktestSpec {
  kind: string;
  parameters: JsonObject;
  /** Business time of the first step (the account opens then) and of the last. */
  from: IsoInstant;
  to: IsoInstant;
  data: BacktestData;
  /** The account's opening cash, which is also the strategy's capital allocation unless allocationPaise says otherwise. */
  capitalPaise: number;
  /** The strategy's capital allocation (what a strategy sizes its orders from), when it is less than the account's cash. */
  allocationPaise?: number;
  slippageBps: number;
  fillFractionPct: number;
}

export interface BacktestOutcome {
  /** sha256 of the canonical log (see logHash). */
  hash: string;
  events: number;
  steps: number;
  report: PerformanceReport;
}
