import { commandResultProps } from './common';
import { t, type Static } from './schema';

export const STRATEGY_STATUSES = ['REGISTERED', 'ACTIVE', 'PAUSED', 'STOPPED'] as const;
export const StrategyStatus = t.enum(STRATEGY_STATUSES);
export type StrategyStatus = Static<typeof StrategyStatus>;

const strategyProps = {
  strategyId: t.uuid(),
  accountId: t.uuid(),
  kind: t.string(),
  name: t.string(),
  parameters: t.anyObject(),
  parametersVersion: t.integer(),
  instruments: t.array(t.string()),
  capitalAllocationPaise: t.paise(),
  status: StrategyStatus,
  halted: t.boolean({ description: 'the per-strategy kill switch' }),
  haltReason: t.nullable(t.string()),
  stopReason: t.nullable(t.string()),
  registeredAt: t.instant(),
  statusChangedAt: t.instant(),
  lastRevision: t.integer(),
  lastEventPosition: t.integer(),
};
export const Strategy = t.named('Strategy', t.object(strategyProps));
export type Strategy = Static<typeof Strategy>;

/**
 * The headline figures of a strategy over all its history (the same computation as its performance endpoint, with
 * the strategy's own capital): null where a figure is not defined, and the notes say why.
 */
export const StrategySummary = t.named(
  'StrategySummary',
  t.object({
    netPnlPaise: t.paise(),
    tradeCount: t.integer({ minimum: 0 }),
    winRate: t.nullable(t.number()),
    maxDrawdownPaise: t.paise(),
    maxDrawdown: t.nullable(t.number()),
    sharpe: t.nullable(t.number()),
    notes: t.array(t.string()),
  }),
);
export type StrategySummary = Static<typeof StrategySummary>;

export const StrategyListItem = t.named('StrategyListItem', t.object({ ...strategyProps, statistics: StrategySummary }));
export type StrategyListItem = Static<typeof StrategyListItem>;

export const StrategyList = t.named('StrategyList', t.object({ items: t.array(StrategyListItem) }));
export type StrategyList = Static<typeof StrategyList>;

export const RegisterStrategyBody = t.named(
  'RegisterStrategyBody',
  t.object({
    kind: t.string(),
    name: t.string({ maxLength: 100 }),
    accountId: t.uuid(),
    parameters: t.anyObject(),
    instruments: t.array(t.string()),
    capitalAllocationPaise: t.paise({ minimum: 1 }),
  }),
);
export type RegisterStrategyBody = Static<typeof RegisterStrategyBody>;
export const ReasonBody = t.named('ReasonBody', t.object({ reason: t.string() }, ['reason']));
export type ReasonBody = Static<typeof ReasonBody>;
export const ParametersBody = t.named('ParametersBody', t.object({ parameters: t.anyObject() }));
export type ParametersBody = Static<typeof ParametersBody>;

export const StrategyCommandResult = t.named('StrategyCommandResult', t.object({ strategyId: t.uuid(), status: StrategyStatus, ...commandResultProps }));
export type StrategyCommandResult = Static<typeof StrategyCommandResult>;
