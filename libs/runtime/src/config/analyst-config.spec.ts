import { DEFAULT_ANALYST_CONFIG } from './analyst-config';
import { ConfigError, loadConfig } from './app-config';

/** The analyst's section of the one configuration, read from `env` as the apps read it at start. */
const analystConfigFromEnv = (env: Record<string, string>) => loadConfig({ DATA_DIR: '/tmp/unused', ...env }).analyst;

describe("the analyst's variables, read by loadConfig", () => {
  it('is disabled (no key) with the defaults when nothing is set', () => {
    expect(analystConfigFromEnv({})).toEqual(DEFAULT_ANALYST_CONFIG);
    expect(analystConfigFromEnv({ ANTHROPIC_API_KEY: '   ' }).apiKey).toBeNull();
  });

  it('reads the key, the endpoint, the model and the bounds', () => {
    const config = analystConfigFromEnv({
      ANTHROPIC_API_KEY: ' sk-ant-xyz ',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9999',
      ANALYST_MODEL: 'claude-haiku-4-5',
      ANALYST_MAX_ROUNDS: '3',
      ANALYST_MAX_OUTPUT_TOKENS: '500',
      ANALYST_MAX_TOKENS_PER_ROUND: '2000',
      ANALYST_MAX_WALL_MS: '20000',
      ANALYST_MAX_RETRIES: '0',
    });
    expect(config).toMatchObject({ apiKey: 'sk-ant-xyz', baseURL: 'http://127.0.0.1:9999', model: 'claude-haiku-4-5', maxRetries: 0 });
    // A round never gets more than the whole question.
    expect(config.limits).toMatchObject({ maxRounds: 3, maxOutputTokens: 500, maxTokensPerRound: 500, maxWallTimeMs: 20000 });
  });

  it.each([
    ['ANALYST_MAX_ROUNDS', '0'],
    ['ANALYST_MAX_ROUNDS', 'six'],
    ['ANALYST_MAX_RETRIES', '1.5'],
    ['ANALYST_MAX_WALL_MS', '-1'],
    ['ANTHROPIC_BASE_URL', 'ftp://x'],
    ['ANALYST_MODEL', 'claude sonnet'],
  ])('names %s when it is %p', (variable, value) => {
    let caught: unknown;
    try {
      analystConfigFromEnv({ [variable]: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(variable);
    expect((caught as ConfigError).message).toContain(variable);
  });
});
