import * as path from 'node:path';
import { DEFAULT_BROKER_CIRCUIT_POLICY, parseInstantMs } from '@robo/domain';
import { type AnalystConfig, analystConfig } from './analyst-config';
import { bool, ConfigError, type Env, file, int, matching, oneOf } from './env-values';

export { ConfigError } from './env-values';

/**
 * Validated configuration of every module, read once at start by loadConfig: every variable is documented in README.md
 * ("Configuration" and the feature sections). A module with variables of its own adds a section here (as `paper` and
 * `analyst`), read with the readers of env-values.ts, so that any bad value stops the start with a ConfigError.
 */
export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  eventStore: 'sqlite' | 'esdb';
  readStore: 'sqlite' | 'mongo';
  /** Where API keys live: DATA_DIR/auth.db, or MongoDB (MONGO_URL) so that api replicas share them. */
  credentialStore: 'sqlite' | 'mongo';
  /** EventStoreDB connection string (esdb://...), required when eventStore is esdb. */
  eventStoreUrl: string | null;
  /** MongoDB connection string (mongodb://...), required when readStore is mongo. */
  mongoUrl: string | null;
  /** EVENT_STORE_WRITER_THREAD: the SQLite event store writes (INSERTs, COMMIT, fsync) in a worker thread. */
  eventStoreWriterThread: boolean;
  /** EVENT_STORE_CHECKPOINT_THREAD: the SQLite event store's WAL is checkpointed by a worker thread, not inline by commits. */
  eventStoreCheckpointThread: boolean;
  /** Run the projector (and the settlement reactor) inside the api process. */
  embeddedProjector: boolean;
  /** PROJECTOR_WORKER_THREADS: the projector projects the audit trail in a worker thread (live, and for its initial load). */
  projectorWorkerThreads: boolean;
  runReactors: boolean;
  /** ISO instant the simulated clock starts at, or null for the system clock. */
  clockStart: string | null;
  /** Simulated clock speed (1 = real time). */
  clockSpeed: number;
  /** CLOCK_ALLOW_REWIND: start even though business time would run backwards (a CLOCK_START before the log's latest business time). */
  clockAllowRewind: boolean;
  holidaysFile: string | null;
  /** CHARGES_FILE: dated charge schedules replacing the bundled ones (docs/reference-data.md). */
  chargesFile: string | null;
  /** LOT_SIZES_FILE: the dated lot-size table of the index derivatives. */
  lotSizesFile: string | null;
  /** EXPIRY_RULES_FILE: the dated expiry rules of the index derivatives. */
  expiryRulesFile: string | null;
  queryWaitTimeoutMs: number;
  logLevel: string;
  /** LOG_FORMAT: pretty (one readable line per entry), json (one JSON object per line), auto: pretty on a terminal. */
  logFormat: 'auto' | 'pretty' | 'json';
  bodyLimit: string;
  expirySweepMs: number;
  /** FILL_CLOCK_SKEW_MS: how far after the clock's now a fill's business time may be (broker clocks are not ours). */
  fillClockSkewMs: number;
  /** HS256 signing secret for access tokens (AUTH_JWT_SECRET); null in embedded mode = generated once into DATA_DIR. */
  authJwtSecret: string | null;
  /** Lifetime of an access token from POST /auth/token. */
  authTokenTtlSeconds: number;
  /** Create and print an admin API key on the first start of an empty credential store (embedded mode only). */
  authBootstrapAdmin: boolean;
  /** Requests per minute per credential (per IP address when unauthenticated). */
  rateLimitPerMinute: number;
  /** Origins allowed by CORS (HTTP and socket.io); empty = no cross-origin access. */
  corsOrigins: string[];
  /** How long SIGTERM waits for in-flight requests before closing the stores anyway. */
  shutdownTimeoutMs: number;
  /** REDIS_URL (redis:// or rediss://): api replicas share socket.io broadcasts and rate-limit counts through it; null = one process. */
  redisUrl: string | null;
  /** Paper trading and the demo: see docs/paper-trading.md. */
  paper: PaperConfig;
  /** STRATEGIES_DIR: compiled strategy modules (.js, .cjs) loaded at start (docs/strategies.md); default DATA_DIR/strategies. */
  strategiesDir: string;
  /** The AI analyst: see docs/analyst.md. */
  analyst: AnalystConfig;
  /** ROBO_URL: where the api answers for people (a proxy, another host), printed by `robo keys create`; null: HOST and PORT. */
  roboUrl: string | null;
  /** Zerodha Kite Connect (KITE_*); null when KITE_API_KEY is unset (no account can route to kite then). */
  kite: KiteConfig | null;
  /** BROKER_TOKEN_KEY: the AES-256-GCM key (32 bytes) that encrypts stored broker access tokens; null: a key file under DATA_DIR. */
  brokerTokenKey: Buffer | null;
}

export interface PaperConfig {
  /** DEMO: create the demo paper account and its two strategies once, and run the market on a session clock. */
  demo: boolean;
  /** CLOCK_MODE: 'wall' (the clock runs by itself) or 'market' (business time is the simulated market's time). */
  clockMode: 'wall' | 'market';
  marketSeed: string;
  marketStepSeconds: number;
  /** Simulated seconds per real second in market clock mode: CLOCK_SPEED when set, else 60. */
  marketSpeed: number;
  /** PAPER_TICK_MS: how often the engine advances the market; 0 = only when driven (tests). */
  tickMs: number;
  slippageBps: number;
  /** PAPER_FILL_FRACTION: share of a step's volume a LIMIT order may take, in percent. */
  fillFractionPct: number;
  /** PAPER_TRADING (default = DEMO): run the simulated market, the paper broker (for every account) and the strategy runner. */
  enabled: boolean;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;

function origins(env: Env): string[] {
  const raw = env.CORS_ORIGINS ?? '';
  if (raw.trim() === '') return [];
  const list = raw.split(',').map((o) => o.trim());
  const bad = list.find((o) => !ORIGIN.test(o));
  if (bad !== undefined) {
    throw new ConfigError('CORS_ORIGINS', `must be a comma-separated list of origins such as https://trader.example.com:8443 (scheme, host, optional port; no path, no *), got "${bad}"`);
  }
  return list;
}

function jwtSecret(env: Env, eventStore: string): string | null {
  const raw = env.AUTH_JWT_SECRET;
  if (raw === undefined || raw === '') {
    // Several api replicas must share one secret: only the single-host embedded mode may generate its own.
    if (eventStore !== 'sqlite') throw new ConfigError('AUTH_JWT_SECRET', 'is required outside embedded mode (at least 32 characters, e.g. `openssl rand -base64 48`)');
    return null;
  }
  if (raw.length < 32 || raw.length > 1024) throw new ConfigError('AUTH_JWT_SECRET', `must be 32 to 1024 characters long, got ${raw.length}`);
  return raw;
}

/** Reads and checks every variable; throws ConfigError naming the first bad one. */
export function loadConfig(env: Env = process.env): AppConfig {
  const eventStore = oneOf(env, 'EVENT_STORE', ['sqlite', 'esdb'] as const, 'sqlite');
  const readStore = oneOf(env, 'READ_STORE', ['sqlite', 'mongo'] as const, 'sqlite');
  const credentialStore = oneOf(env, 'CREDENTIAL_STORE', ['sqlite', 'mongo'] as const, 'sqlite');
  const eventStoreUrl = env.EVENTSTORE_URL && env.EVENTSTORE_URL !== '' ? env.EVENTSTORE_URL : null;
  const mongoUrl = env.MONGO_URL && env.MONGO_URL !== '' ? env.MONGO_URL : null;
  if (eventStore === 'esdb' && eventStoreUrl === null) throw new ConfigError('EVENTSTORE_URL', 'is required when EVENT_STORE=esdb (e.g. esdb://localhost:2113?tls=false)');
  if (eventStoreUrl !== null && !/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover|kdb|kdb\+discover):\/\/\S+$/.test(eventStoreUrl)) {
    throw new ConfigError('EVENTSTORE_URL', `must be an esdb:// (or kurrentdb://) connection string, got "${eventStoreUrl}"`);
  }
  if (readStore === 'mongo' && mongoUrl === null) throw new ConfigError('MONGO_URL', 'is required when READ_STORE=mongo (e.g. mongodb://localhost:27017/robo?replicaSet=rs0)');
  if (credentialStore === 'mongo' && mongoUrl === null) throw new ConfigError('MONGO_URL', 'is required when CREDENTIAL_STORE=mongo (e.g. mongodb://localhost:27017/robo?replicaSet=rs0)');
  if (mongoUrl !== null && !/^mongodb(\+srv)?:\/\/\S+$/.test(mongoUrl)) {
    throw new ConfigError('MONGO_URL', `must be a mongodb:// or mongodb+srv:// connection string, got "${mongoUrl}"`);
  }

  const clockStart = env.CLOCK_START && env.CLOCK_START !== '' ? env.CLOCK_START : null;
  if (clockStart !== null && parseInstantMs(clockStart) === null) {
    throw new ConfigError('CLOCK_START', `must be an ISO-8601 instant such as 2026-11-20T09:30:00+05:30, got "${clockStart}"`);
  }
  const speedRaw = env.CLOCK_SPEED ?? '1';
  const clockSpeed = Number(speedRaw);
  if (!Number.isFinite(clockSpeed) || clockSpeed <= 0 || clockSpeed > 10_000) {
    throw new ConfigError('CLOCK_SPEED', `must be a number above 0 and at most 10000, got "${speedRaw}"`);
  }
  const logLevel = oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info');
  const bodyLimit = env.BODY_LIMIT ?? '64kb';
  if (!/^\d+(b|kb|mb)$/.test(bodyLimit)) throw new ConfigError('BODY_LIMIT', `must look like 64kb or 1mb, got "${bodyLimit}"`);

  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host: env.HOST && env.HOST !== '' ? env.HOST : '0.0.0.0',
    dataDir: path.resolve(env.DATA_DIR && env.DATA_DIR !== '' ? env.DATA_DIR : './data'),
    eventStore,
    readStore,
    credentialStore,
    eventStoreUrl,
    mongoUrl,
    eventStoreWriterThread: bool(env, 'EVENT_STORE_WRITER_THREAD', false),
    eventStoreCheckpointThread: bool(env, 'EVENT_STORE_CHECKPOINT_THREAD', true),
    embeddedProjector: bool(env, 'EMBEDDED_PROJECTOR', true),
    projectorWorkerThreads: bool(env, 'PROJECTOR_WORKER_THREADS', true),
    runReactors: bool(env, 'RUN_REACTORS', true),
    clockStart,
    clockSpeed,
    clockAllowRewind: bool(env, 'CLOCK_ALLOW_REWIND', false),
    holidaysFile: file(env, 'HOLIDAYS_FILE'),
    chargesFile: file(env, 'CHARGES_FILE'),
    lotSizesFile: file(env, 'LOT_SIZES_FILE'),
    expiryRulesFile: file(env, 'EXPIRY_RULES_FILE'),
    queryWaitTimeoutMs: int(env, 'QUERY_WAIT_TIMEOUT_MS', 5000, 0, 60_000),
    logLevel,
    logFormat: oneOf(env, 'LOG_FORMAT', ['auto', 'pretty', 'json'] as const, 'auto'),
    bodyLimit,
    expirySweepMs: int(env, 'EXPIRY_SWEEP_MS', 30_000, 100, 3_600_000),
    fillClockSkewMs: int(env, 'FILL_CLOCK_SKEW_MS', 5_000, 0, 86_400_000),
    authJwtSecret: jwtSecret(env, eventStore),
    authTokenTtlSeconds: int(env, 'AUTH_TOKEN_TTL_SECONDS', 900, 60, 86_400),
    authBootstrapAdmin: bool(env, 'AUTH_BOOTSTRAP_ADMIN', true),
    rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 6000, 1, 10_000_000),
    corsOrigins: origins(env),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    redisUrl: redisUrl(env),
    paper: paperConfig(env, clockStart),
    strategiesDir: path.resolve(env.STRATEGIES_DIR && env.STRATEGIES_DIR !== '' ? env.STRATEGIES_DIR : path.join(env.DATA_DIR && env.DATA_DIR !== '' ? env.DATA_DIR : './data', 'strategies')),
    analyst: analystConfig(env),
    roboUrl: matching(env, 'ROBO_URL', /^https?:\/\/\S+$/, 'an http(s) URL such as https://trader.example.com')?.replace(/\/+$/, '') ?? null,
    kite: kiteConfig(env),
    brokerTokenKey: brokerTokenKey(env),
  };
}

/** 32 bytes, written as 64 hex digits or as base64 (44 characters with padding). */
function brokerTokenKey(env: Env): Buffer | null {
  const raw = env.BROKER_TOKEN_KEY ?? '';
  if (raw === '') return null;
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : /^[A-Za-z0-9+/]{43}=?$/.test(raw) ? Buffer.from(raw, 'base64') : null;
  if (key === null || key.length !== 32) throw new ConfigError('BROKER_TOKEN_KEY', 'must be 32 bytes written as 64 hex digits or in base64 (e.g. `openssl rand -base64 32`)');
  return key;
}

export interface KiteConfig {
  apiKey: string;
  /** Verifies postbacks and turns a login's request_token into the day's access token. */
  apiSecret: string | null;
  /** The day's access token (until the daily login endpoint stores one). */
  accessToken: string | null;
  /** REST root (KITE_ROOT, default https://api.kite.trade) and ticker root (KITE_TICKER_ROOT, default wss://ws.kite.trade/). */
  root: string;
  tickerRoot: string;
  /** KITE_RECONCILE_SECONDS (default 60, 0: off): how often the broker's orders, trades and positions are reconciled with the log. */
  reconcileSeconds: number;
  /** KITE_BREAKER_FAILURES (default 5): consecutive calls that did not reach Kite before its route opens (circuit breaker). */
  breakerFailures: number;
  /** KITE_BREAKER_COOLDOWN_SECONDS (default 30): how long an open route refuses orders before one probe of Kite. */
  breakerCoolDownSeconds: number;
}

function kiteConfig(env: Env): KiteConfig | null {
  const apiKey = env.KITE_API_KEY ?? '';
  if (apiKey === '') return null;
  if (!/^[A-Za-z0-9]{1,64}$/.test(apiKey)) throw new ConfigError('KITE_API_KEY', 'must be the api_key of the Kite Connect app (letters and digits)');
  const url = (name: string, fallback: string, schemes: RegExp): string => {
    const raw = env[name] && env[name] !== '' ? (env[name] as string) : fallback;
    if (!schemes.test(raw)) throw new ConfigError(name, `must be a URL such as ${fallback}, got "${raw}"`);
    return raw;
  };
  return {
    apiKey,
    apiSecret: env.KITE_API_SECRET && env.KITE_API_SECRET !== '' ? env.KITE_API_SECRET : null,
    accessToken: env.KITE_ACCESS_TOKEN && env.KITE_ACCESS_TOKEN !== '' ? env.KITE_ACCESS_TOKEN : null,
    root: url('KITE_ROOT', 'https://api.kite.trade', /^https?:\/\/\S+$/),
    tickerRoot: url('KITE_TICKER_ROOT', 'wss://ws.kite.trade/', /^wss?:\/\/\S+$/),
    reconcileSeconds: int(env, 'KITE_RECONCILE_SECONDS', 60, 0, 86_400),
    breakerFailures: int(env, 'KITE_BREAKER_FAILURES', DEFAULT_BROKER_CIRCUIT_POLICY.failureThreshold, 1, 1000),
    breakerCoolDownSeconds: int(env, 'KITE_BREAKER_COOLDOWN_SECONDS', DEFAULT_BROKER_CIRCUIT_POLICY.coolDownMs / 1000, 0, 3600),
  };
}

function redisUrl(env: Env): string | null {
  const raw = env.REDIS_URL;
  if (raw === undefined || raw === '') return null;
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    url = null;
  }
  if (url === null || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '' || !/^(\/\d{0,2})?$/.test(url.pathname)) {
    throw new ConfigError('REDIS_URL', `must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379 (an optional /<database number>), got "${raw.replace(/\/\/[^/@]*@/, '//***@')}"`);
  }
  return raw;
}

function paperConfig(env: Env, clockStart: string | null): PaperConfig {
  const demo = bool(env, 'DEMO', false);
  const seed = env.MARKET_SEED ?? 'robo-demo';
  if (!/^[A-Za-z0-9._:-]{1,64}$/.test(seed)) throw new ConfigError('MARKET_SEED', `must be 1 to 64 letters, digits, '.', '_', ':' or '-', got "${seed}"`);
  // In demo mode without CLOCK_START, business time is the simulated session's time (it rolls from close to next open).
  const clockMode = oneOf(env, 'CLOCK_MODE', ['wall', 'market'] as const, demo && clockStart === null ? 'market' : 'wall');
  return {
    demo,
    clockMode,
    marketSeed: seed,
    marketStepSeconds: int(env, 'MARKET_STEP_SECONDS', 60, 1, 3600),
    marketSpeed: env.CLOCK_SPEED && env.CLOCK_SPEED !== '' ? Number(env.CLOCK_SPEED) : 60,
    tickMs: int(env, 'PAPER_TICK_MS', 1000, 0, 3_600_000),
    slippageBps: int(env, 'PAPER_SLIPPAGE_BPS', 5, 0, 1000),
    fillFractionPct: int(env, 'PAPER_FILL_FRACTION', 25, 1, 100),
    enabled: bool(env, 'PAPER_TRADING', demo),
  };
}

/** EX_CONFIG (sysexits.h): the exit code of a process stopped by a bad variable. */
export const EXIT_CONFIG = 78;

/** At a process's start: the configuration, or the ConfigError's one line on stderr and exit code 78. */
export function loadConfigOrExit(env: Env = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    exitOnConfigError(error);
  }
}

/** Ends the process with exit code 78 for a ConfigError (one line, no stack trace); rethrows anything else. */
export function exitOnConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(EXIT_CONFIG);
  }
  throw error;
}
