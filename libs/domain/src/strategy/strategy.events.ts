import type { IsoInstant, Paise } from '../common/types';

/** A JSON value: what a strategy's parameters may hold, so they survive the event log unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** The two strategies shipped with the paper broker; any other kind is accepted for strategies written later. */
export type KnownStrategyKind = 'ma-crossover' | 'short-straddle';
// `string & {}` keeps the known kinds visible to editors without closing the set.
export type StrategyKind = KnownStrategyKind | (string & {});

/** Which backtest justified a strategy: the run's id and the sha256 of its canonical log (the run's proof). */
export interface BacktestLink {
  runId: string;
  hash: string;
}

/**
 * Every strategy event carries the account, so the audit trail can file it under the account without loading the
 * strategy stream. `at` is business time: when the operator (or the runner) decided it.
 */
export type StrategyEvent =
  | {
      type: 'StrategyRegistered';
      data: {
        strategyId: string;
        accountId: string;
        kind: StrategyKind;
        name: string;
        parameters: JsonObject;
        instruments: string[];
        capitalAllocationPaise: Paise;
        registeredAt: IsoInstant;
        /** Present when the strategy was promoted from a backtest run (same kind and parameters). */
        backtest?: BacktestLink;
      };
    }
  | { type: 'StrategyActivated'; data: { strategyId: string; accountId: string; at: IsoInstant } }
  | { type: 'StrategyPaused'; data: { strategyId: string; accountId: string; reason: string; at: IsoInstant } }
  /** Final: a stopped strategy is history; register a new one to trade again. */
  | { type: 'StrategyStopped'; data: { strategyId: string; accountId: string; reason: string; at: IsoInstant } }
  | { type: 'StrategyParametersChanged'; data: { strategyId: string; accountId: string; parameters: JsonObject; previous: JsonObject; at: IsoInstant } }
  /** Per-strategy kill switch: new orders are refused at once, whatever the status. */
  | { type: 'StrategyHalted'; data: { strategyId: string; accountId: string; reason: string; at: IsoInstant } }
  | { type: 'StrategyResumed'; data: { strategyId: string; accountId: string; at: IsoInstant } };

export type StrategyEventType = StrategyEvent['type'];
