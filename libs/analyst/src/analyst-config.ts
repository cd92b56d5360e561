import { AnalystConfigError } from './analyst-errors';

/** Bounds of one question. Every one of them ends the loop cleanly, with the reason recorded. */
export interface AnalystLimitsConfig {
  /** Model calls per question (a tool round trip is one call). */
  maxRounds: number;
  /** Output tokens summed over the calls of one question. */
  maxOutputTokens: number;
  /** max_tokens of one call (lowered to what is left of maxOutputTokens). */
  maxTokensPerRound: number;
  /** Wall time of one question, tool calls included. */
  maxWallTimeMs: number;
  /** A tool result longer than this is cut, with a note telling the model to narrow its query. */
  toolResultMaxChars: number;
  /** Characters of each tool result kept in the audit event. */
  previewChars: number;
  maxQuestionChars: number;
}

export interface AnalystConfig {
  /** Null or empty: the analyst is disabled. Never logged, never stored in an event. */
  apiKey: string | null;
  /** Null: the SDK's default (https://api.anthropic.com). */
  baseURL: string | null;
  model: string;
  /** SDK retries of 408/409/429/5xx/529 and connection errors, with its exponential backoff and retry-after. */
  maxRetries: number;
  /** SDK timeout of one HTTP request. */
  requestTimeoutMs: number;
  /** How long an analyst proposal may be approved. */
  proposalTtlMs: number;
  limits: AnalystLimitsConfig;
}

export const DEFAULT_MODEL = 'claude-sonnet-4-5';

export const DEFAULT_ANALYST_CONFIG: AnalystConfig = {
  apiKey: null,
  baseURL: null,
  model: DEFAULT_MODEL,
  maxRetries: 2,
  requestTimeoutMs: 60_000,
  proposalTtlMs: 30 * 60_000,
  limits: {
    maxRounds: 6,
    maxOutputTokens: 4096,
    maxTokensPerRound: 1024,
    maxWallTimeMs: 90_000,
    toolResultMaxChars: 8000,
    previewChars: 300,
    maxQuestionChars: 2000,
  },
};

export type AnalystConfigInput = Partial<Omit<AnalystConfig, 'limits'>> & { limits?: Partial<AnalystLimitsConfig> };

/** Defaults filled in; the values themselves are checked by analystConfigFromEnv or trusted from code. */
export function resolveAnalystConfig(input: AnalystConfigInput = {}): AnalystConfig {
  return { ...DEFAULT_ANALYST_CONFIG, ...input, limits: { ...DEFAULT_ANALYST_CONFIG.limits, ...input.limits } };
}

type Env = Record<string, string | undefined>;

/**
 * Reads the analyst's variables (docs/analyst.md). An unset or blank ANTHROPIC_API_KEY disables the feature;
 * a malformed value of any other variable throws AnalystConfigError naming it.
 */
export function analystConfigFromEnv(env: Env): AnalystConfig {
  const d = DEFAULT_ANALYST_CONFIG;
  const key = env.ANTHROPIC_API_KEY?.trim();
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new AnalystConfigError(name, `must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    }
    return value;
  };
  const baseURL = env.ANTHROPIC_BASE_URL?.trim() || null;
  if (baseURL !== null && !/^https?:\/\/[^\s]+$/.test(baseURL)) throw new AnalystConfigError('ANTHROPIC_BASE_URL', 'must be an http(s) URL');
  const model = env.ANALYST_MODEL?.trim() || d.model;
  if (!/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,99}$/.test(model)) throw new AnalystConfigError('ANALYST_MODEL', 'must be a model name such as claude-sonnet-4-5');
  const maxOutputTokens = int('ANALYST_MAX_OUTPUT_TOKENS', d.limits.maxOutputTokens, 64, 200_000);
  return {
    apiKey: key ? key : null,
    baseURL,
    model,
    maxRetries: int('ANALYST_MAX_RETRIES', d.maxRetries, 0, 10),
    requestTimeoutMs: int('ANALYST_REQUEST_TIMEOUT_MS', d.requestTimeoutMs, 1000, 600_000),
    proposalTtlMs: int('ANALYST_PROPOSAL_TTL_MS', d.proposalTtlMs, 60_000, 7 * 24 * 3_600_000),
    limits: {
      maxRounds: int('ANALYST_MAX_ROUNDS', d.limits.maxRounds, 1, 20),
      maxOutputTokens,
      maxTokensPerRound: Math.min(int('ANALYST_MAX_TOKENS_PER_ROUND', d.limits.maxTokensPerRound, 64, 64_000), maxOutputTokens),
      maxWallTimeMs: int('ANALYST_MAX_WALL_MS', d.limits.maxWallTimeMs, 1000, 3_600_000),
      toolResultMaxChars: int('ANALYST_TOOL_RESULT_MAX_CHARS', d.limits.toolResultMaxChars, 500, 200_000),
      previewChars: d.limits.previewChars,
      maxQuestionChars: int('ANALYST_MAX_QUESTION_CHARS', d.limits.maxQuestionChars, 10, 4000),
    },
  };
}
