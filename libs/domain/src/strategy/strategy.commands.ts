import type { BacktestLink } from './strategy.events';
import type { IsoInstant, Paise } from '../common/types';
import type { JsonObject, StrategyKind } from './strategy.events';

export type StrategyCommand =
  | {
      type: 'RegisterStrategy';
      data: {
        strategyId: string;
        accountId: string;
        kind: StrategyKind;
        name: string;
        parameters: JsonObject;
        /** Symbols the strategy trades or watches; whether they exist is the handler's check (it has the catalog). */
        instruments: string[];
        capitalAllocationPaise: Paise;
        /** The backtest run the strategy was promoted from: its id and the sha256 of its log. */
        backtest?: BacktestLink;
        now: IsoInstant;
      };
    }
  | { type: 'ActivateStrategy'; data: { strategyId: string; now: IsoInstant } }
  | { type: 'PauseStrategy'; data: { strategyId: string; reason?: string; now: IsoInstant } }
  | { type: 'StopStrategy'; data: { strategyId: string; reason: string; now: IsoInstant } }
  | { type: 'ChangeParameters'; data: { strategyId: string; parameters: JsonObject; now: IsoInstant } }
  | { type: 'HaltStrategy'; data: { strategyId: string; reason: string; now: IsoInstant } }
  | { type: 'ResumeStrategy'; data: { strategyId: string; now: IsoInstant } };

export type StrategyCommandType = StrategyCommand['type'];
