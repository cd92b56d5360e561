import { assertNever } from '../common/errors';
import type { IsoInstant, Paise } from '../common/types';
import type { JsonObject, StrategyEvent, StrategyKind } from './strategy.events';

/** REGISTERED -> ACTIVE <-> PAUSED; any of them -> STOPPED (final). Halted is a flag beside the status. */
export type StrategyStatus = 'REGISTERED' | 'ACTIVE' | 'PAUSED' | 'STOPPED';

export interface StrategyDetails {
  strategyId: string;
  accountId: string;
  kind: StrategyKind;
  name: string;
  parameters: JsonObject;
  /** Counts parameter changes (1 at registration), so a signal can say which parameters produced it. */
  parametersVersion: number;
  instruments: string[];
  capitalAllocationPaise: Paise;
  halted: boolean;
  haltReason: string | null;
  registeredAt: IsoInstant;
  /** Business time of the last status change (registration, activation, pause, stop). */
  statusChangedAt: IsoInstant;
  stopReason: string | null;
}

export type StrategyState = { status: 'NONE' } | ({ status: StrategyStatus } & StrategyDetails);
export type ExistingStrategy = Extract<StrategyState, { strategyId: string }>;

export const initialStrategyState: StrategyState = { status: 'NONE' };

export function evolveStrategy(state: StrategyState, event: StrategyEvent): StrategyState {
  if (event.type === 'StrategyRegistered') {
    const d = event.data;
    return {
      status: 'REGISTERED',
      strategyId: d.strategyId,
      accountId: d.accountId,
      kind: d.kind,
      name: d.name,
      parameters: d.parameters,
      parametersVersion: 1,
      instruments: d.instruments,
      capitalAllocationPaise: d.capitalAllocationPaise,
      halted: false,
      haltReason: null,
      registeredAt: d.registeredAt,
      statusChangedAt: d.registeredAt,
      stopReason: null,
    };
  }
  // decide never emits anything else first; a replay of a damaged stream must not crash either.
  if (state.status === 'NONE') return state;
  switch (event.type) {
    case 'StrategyActivated':
      return { ...state, status: 'ACTIVE', statusChangedAt: event.data.at };
    case 'StrategyPaused':
      return { ...state, status: 'PAUSED', statusChangedAt: event.data.at };
    case 'StrategyStopped':
      return { ...state, status: 'STOPPED', statusChangedAt: event.data.at, stopReason: event.data.reason };
    case 'StrategyParametersChanged':
      return { ...state, parameters: event.data.parameters, parametersVersion: state.parametersVersion + 1 };
    case 'StrategyHalted':
      return { ...state, halted: true, haltReason: event.data.reason };
    case 'StrategyResumed':
      return { ...state, halted: false, haltReason: null };
    default:
      return assertNever(event);
  }
}

/** Why a strategy may not place a new order now, or null when it may. */
export type StrategyBlockReason = 'STRATEGY_NOT_FOUND' | 'STRATEGY_NOT_ACTIVE' | 'STRATEGY_HALTED' | 'STRATEGY_STOPPED';

export function orderBlockReason(state: StrategyState): StrategyBlockReason | null {
  switch (state.status) {
    case 'NONE':
      return 'STRATEGY_NOT_FOUND';
    case 'STOPPED':
      return 'STRATEGY_STOPPED';
    case 'REGISTERED':
    case 'PAUSED':
      // The kill switch is the stronger reason: it must be lifted even after the strategy is activated again.
      return state.halted ? 'STRATEGY_HALTED' : 'STRATEGY_NOT_ACTIVE';
    case 'ACTIVE':
      return state.halted ? 'STRATEGY_HALTED' : null;
    default:
      return assertNever(state);
  }
}

/** Only an ACTIVE strategy whose kill switch is off places new orders (exits included: see HaltStrategy). */
export function canPlaceOrders(state: StrategyState): boolean {
  return orderBlockReason(state) === null;
}
