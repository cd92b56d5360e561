import { type AnalystConfig, type AnalystLimitsConfig, DEFAULT_ANALYST_CONFIG } from '@robo/runtime';

// The analyst's variables are read with every other one by the configuration loader (loadConfig, in @robo/runtime),
// which owns their shape and defaults; they are re-exported here for the analyst's users.
export { type AnalystConfig, type AnalystLimitsConfig, DEFAULT_ANALYST_CONFIG, DEFAULT_MODEL } from '@robo/runtime';

export type AnalystConfigInput = Partial<Omit<AnalystConfig, 'limits'>> & { limits?: Partial<AnalystLimitsConfig> };

/** Defaults filled in; the values come checked from loadConfig, or from code (tests). */
export function resolveAnalystConfig(input: AnalystConfigInput = {}): AnalystConfig {
  return { ...DEFAULT_ANALYST_CONFIG, ...input, limits: { ...DEFAULT_ANALYST_CONFIG.limits, ...input.limits } };
}
