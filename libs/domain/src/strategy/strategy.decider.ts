import type { Decider } from '../common/decider';
import { assertNever, Conflict, InvalidCommand, NotFound, RuleViolation } from '../common/errors';
import { toIst } from '../market/ist';
import type { StrategyCommand } from './strategy.commands';
import type { StrategyEvent } from './strategy.events';
import { evolveStrategy, initialStrategyState, type ExistingStrategy, type StrategyState } from './strategy.state';
import {
  canonicalJson,
  requireCapital,
  requireId,
  requireInstruments,
  requireKind,
  requireName,
  requireParameters,
  requireText,
} from './strategy.validation';

/**
 * The strategy aggregate (`strategy-<id>`). Repeating a command that is already in effect (activate an active
 * strategy, halt a halted one) decides nothing, so an operator or a runner may retry freely.
 */
export function decideStrategy(command: StrategyCommand, state: StrategyState): StrategyEvent[] {
  toIst(command.data.now); // business time is recorded: INVALID_TIME when malformed
  if (command.type === 'RegisterStrategy') return register(command.data, state);
  const strategy = requireStrategy(state, command.data.strategyId);
  const { strategyId, accountId } = strategy;
  const at = command.data.now;
  switch (command.type) {
    case 'ActivateStrategy':
      requireNotStopped(strategy);
      if (strategy.status === 'ACTIVE') return [];
      return [{ type: 'StrategyActivated', data: { strategyId, accountId, at } }];
    case 'PauseStrategy': {
      requireNotStopped(strategy);
      if (strategy.status === 'PAUSED') return [];
      if (strategy.status !== 'ACTIVE') {
        throw new RuleViolation('STRATEGY_NOT_ACTIVE', `strategy ${strategyId} is ${strategy.status}; only an active strategy can pause`, { strategyId, status: strategy.status });
      }
      const reason = command.data.reason === undefined ? 'paused' : requireText(command.data.reason, 'REASON_INVALID', 'reason');
      return [{ type: 'StrategyPaused', data: { strategyId, accountId, reason, at } }];
    }
    case 'StopStrategy': {
      const reason = requireText(command.data.reason, 'REASON_REQUIRED', 'a stop reason');
      if (strategy.status === 'STOPPED') return [];
      return [{ type: 'StrategyStopped', data: { strategyId, accountId, reason, at } }];
    }
    case 'ChangeParameters': {
      requireNotStopped(strategy);
      const parameters = requireParameters(command.data.parameters);
      if (canonicalJson(parameters) === canonicalJson(strategy.parameters)) return [];
      return [{ type: 'StrategyParametersChanged', data: { strategyId, accountId, parameters, previous: strategy.parameters, at } }];
    }
    case 'HaltStrategy': {
      const reason = requireText(command.data.reason, 'REASON_REQUIRED', 'a halt reason');
      // A stopped strategy places nothing already; the kill switch must never fail when pressed.
      if (strategy.halted || strategy.status === 'STOPPED') return [];
      return [{ type: 'StrategyHalted', data: { strategyId, accountId, reason, at } }];
    }
    case 'ResumeStrategy':
      requireNotStopped(strategy);
      if (!strategy.halted) return [];
      return [{ type: 'StrategyResumed', data: { strategyId, accountId, at } }];
    default:
      return assertNever(command);
  }
}

function register(data: Extract<StrategyCommand, { type: 'RegisterStrategy' }>['data'], state: StrategyState): StrategyEvent[] {
  if (state.status !== 'NONE') {
    throw new Conflict('STRATEGY_ALREADY_EXISTS', `strategy ${state.strategyId} already exists`, { strategyId: state.strategyId });
  }
  return [
    {
      type: 'StrategyRegistered',
      data: {
        strategyId: requireId(data.strategyId, 'strategyId'),
        accountId: requireId(data.accountId, 'accountId'),
        kind: requireKind(data.kind),
        name: requireName(data.name),
        parameters: requireParameters(data.parameters),
        instruments: requireInstruments(data.instruments),
        capitalAllocationPaise: requireCapital(data.capitalAllocationPaise),
        registeredAt: data.now,
        ...(data.backtest === undefined ? {} : { backtest: requireBacktestLink(data.backtest) }),
      },
    },
  ];
}

function requireStrategy(state: StrategyState, strategyId: string): ExistingStrategy {
  if (state.status === 'NONE') throw new NotFound('STRATEGY_NOT_FOUND', `strategy ${strategyId} does not exist`, { strategyId });
  if (state.strategyId !== strategyId) {
    // The handler loads the stream by id, so a mismatch is a wiring bug, not a request to obey.
    throw new InvalidCommand('STRATEGY_MISMATCH', `command for ${strategyId} reached strategy ${state.strategyId}`);
  }
  return state;
}

function requireNotStopped(strategy: ExistingStrategy): void {
  if (strategy.status === 'STOPPED') {
    throw new RuleViolation('STRATEGY_STOPPED', `strategy ${strategy.strategyId} is stopped; register a new one`, { strategyId: strategy.strategyId });
  }
}

export const strategyDecider: Decider<StrategyCommand, StrategyEvent, StrategyState> = {
  decide: decideStrategy,
  evolve: evolveStrategy,
  initialState: initialStrategyState,
};

const RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SHA256 = /^[0-9a-f]{64}$/;

function requireBacktestLink(link: unknown): { runId: string; hash: string } {
  const { runId, hash } = (link ?? {}) as { runId?: unknown; hash?: unknown };
  if (typeof runId !== 'string' || !RUN_ID.test(runId) || typeof hash !== 'string' || !SHA256.test(hash)) {
    throw new InvalidCommand('BACKTEST_LINK_INVALID', 'a backtest link is { runId: a run id, hash: the sha256 of its log, 64 hex digits }');
  }
  return { runId, hash };
}
