import type { JsonObject, KnownStrategyKind } from '@robo/domain';
import { parseMaCrossoverParams } from './ma-crossover';
import { parseShortStraddleParams } from './short-straddle';

/** The strategies the paper runner can run, with the parser of their parameters. */
export const STRATEGY_PARAMETER_PARSERS: Readonly<Record<KnownStrategyKind, (raw: JsonObject) => unknown>> = {
  'ma-crossover': parseMaCrossoverParams,
  'short-straddle': parseShortStraddleParams,
};

export function isRunnableKind(kind: string): kind is KnownStrategyKind {
  return Object.prototype.hasOwnProperty.call(STRATEGY_PARAMETER_PARSERS, kind);
}

/**
 * Checks parameters for a kind the runner knows (STRATEGY_PARAMETERS_INVALID otherwise); other kinds are accepted
 * as they are, since the aggregate keeps strategies that a later runner may run.
 */
export function validateStrategyParameters(kind: string, parameters: JsonObject): void {
  if (isRunnableKind(kind)) STRATEGY_PARAMETER_PARSERS[kind](parameters);
}
