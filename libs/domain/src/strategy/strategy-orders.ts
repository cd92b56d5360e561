import { RuleViolation } from '../common/errors';

/**
 * A strategy id on an order says the strategy placed it: only orders of the accounts the strategy is registered on
 * may carry it, so that nobody can mix orders into another trader's strategy (its statistics, its room). An id no
 * strategy is registered under has no accounts, and is refused the same way (no one learns which ids exist).
 * `registeredAccountIds` is empty for an unknown strategy.
 */
export function assertStrategyOnAccount(order: { accountId: string; strategyId: string | null }, registeredAccountIds: readonly string[]): void {
  if (order.strategyId === null) return;
  if (!registeredAccountIds.includes(order.accountId)) {
    throw new RuleViolation('STRATEGY_NOT_ON_ACCOUNT', `strategy ${order.strategyId} is not registered on account ${order.accountId}`, {
      strategyId: order.strategyId,
      accountId: order.accountId,
    });
  }
}
