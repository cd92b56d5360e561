import { type Env, int, matching, text } from './env-values';

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

/** The AI analyst's settings (docs/analyst.md), read with every other variable by loadConfig. */
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

/** The analyst's variables. An unset or blank ANTHROPIC_API_KEY disables the feature (it is not an error). */
export function analystConfig(env: Env): AnalystConfig {
  const d = DEFAULT_ANALYST_CONFIG;
  const maxOutputTokens = int(env, 'ANALYST_MAX_OUTPUT_TOKENS', d.limits.maxOutputTokens, 64, 200_000);
  return {
    apiKey: text(env, 'ANTHROPIC_API_KEY'),
    baseURL: matching(env, 'ANTHROPIC_BASE_URL', /^https?:\/\/\S+$/, 'an http(s) URL'),
    model: matching(env, 'ANALYST_MODEL', /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,99}$/, 'a model name such as claude-sonnet-4-5') ?? d.model,
    maxRetries: int(env, 'ANALYST_MAX_RETRIES', d.maxRetries, 0, 10),
    requestTimeoutMs: int(env, 'ANALYST_REQUEST_TIMEOUT_MS', d.requestTimeoutMs, 1000, 600_000),
    proposalTtlMs: int(env, 'ANALYST_PROPOSAL_TTL_MS', d.proposalTtlMs, 60_000, 7 * 24 * 3_600_000),
    limits: {
      maxRounds: int(env, 'ANALYST_MAX_ROUNDS', d.limits.maxRounds, 1, 20),
      maxOutputTokens,
      maxTokensPerRound: Math.min(int(env, 'ANALYST_MAX_TOKENS_PER_ROUND', d.limits.maxTokensPerRound, 64, 64_000), maxOutputTokens),
      maxWallTimeMs: int(env, 'ANALYST_MAX_WALL_MS', d.limits.maxWallTimeMs, 1000, 3_600_000),
      toolResultMaxChars: int(env, 'ANALYST_TOOL_RESULT_MAX_CHARS', d.limits.toolResultMaxChars, 500, 200_000),
      previewChars: d.limits.previewChars,
      maxQuestionChars: int(env, 'ANALYST_MAX_QUESTION_CHARS', d.limits.maxQuestionChars, 10, 4000),
    },
  };
}
