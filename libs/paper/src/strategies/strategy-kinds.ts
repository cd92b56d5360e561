import type { JsonObject } from '@robo/domain';
import { maCrossoverStrategy } from './ma-crossover';
import { shortStraddleStrategy } from './short-straddle';
import type { StrategyDefinition, StrategyMarket } from './strategy';
import { StrategyRegistry } from './strategy-registry';

/** The strategy modules that ship with the system; others are loaded from STRATEGIES_DIR. */
export const BUILT_IN_STRATEGIES: readonly StrategyDefinition[] = [maCrossoverStrategy as StrategyDefinition, shortStraddleStrategy as StrategyDefinition];

/** A registry holding the built-in strategies. */
export function builtInRegistry(market: StrategyMarket): StrategyRegistry {
  const registry = new StrategyRegistry(market);
  for (const definition of BUILT_IN_STRATEGIES) registry.register(definition, 'built-in');
  return registry;
}

/** Checks parameters against a registry (STRATEGY_PARAMETERS_INVALID); kinds it does not hold are accepted as they are. */
export function validateStrategyParameters(registry: StrategyRegistry, kind: string, parameters: JsonObject): void {
  registry.validate(kind, parameters);
}
