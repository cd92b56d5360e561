import * as path from 'node:path';

/** Validated configuration: every variable is documented in README.md ("Configuration"). */
export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  eventStore: 'sqlite' | 'esdb';
  readStore: 'sqlite' | 'mongo';
  /** EventStoreDB connection string (esdb://...), required when eventStore is esdb. */
  eventStoreUrl: string | null;
  /** MongoDB connection string (mongodb://...), required when readStore is mongo. */
  mongoUrl: string | null;
  /** Run the projector (and the settlement reactor) inside the api process. */
  embeddedProjector: boolean;
  runReactors: boolean;
  /** ISO instant the simulated clock starts at, or null for the system clock. */
  clockStart: string | null;
  /** Simulated clock speed (1 = real time). */
  clockSpeed: number;
  holidaysFile: string | null;
  queryWaitTimeoutMs: number;
  logLevel: string;
  bodyLimit: string;
  expirySweepMs: number;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export class ConfigError extends Error {
  constructor(public readonly variable: string, message: string) {
    super(`configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const eventStore = oneOf(env, 'EVENT_STORE', ['sqlite', 'esdb'] as const, 'sqlite');
  const readStore = oneOf(env, 'READ_STORE', ['sqlite', 'mongo'] as const, 'sqlite');
  const eventStoreUrl = env.EVENTSTORE_URL && env.EVENTSTORE_URL !== '' ? env.EVENTSTORE_URL : null;
  const mongoUrl = env.MONGO_URL && env.MONGO_URL !== '' ? env.MONGO_URL : null;
  if (eventStore === 'esdb' && eventStoreUrl === null) throw new ConfigError('EVENTSTORE_URL', 'is required when EVENT_STORE=esdb (e.g. esdb://localhost:2113?tls=false)');
  if (eventStoreUrl !== null && !/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover|kdb|kdb\+discover):\/\/\S+$/.test(eventStoreUrl)) {
    throw new ConfigError('EVENTSTORE_URL', `must be an esdb:// (or kurrentdb://) connection string, got "${eventStoreUrl}"`);
  }
  if (readStore === 'mongo' && mongoUrl === null) throw new ConfigError('MONGO_URL', 'is required when READ_STORE=mongo (e.g. mongodb://localhost:27017/robo?replicaSet=rs0)');
  if (mongoUrl !== null && !/^mongodb(\+srv)?:\/\/\S+$/.test(mongoUrl)) {
    throw new ConfigError('MONGO_URL', `must be a mongodb:// or mongodb+srv:// connection string, got "${mongoUrl}"`);
  }

  const clockStart = env.CLOCK_START && env.CLOCK_START !== '' ? env.CLOCK_START : null;
  if (clockStart !== null && (Number.isNaN(Date.parse(clockStart)) || !/^\d{4}-\d{2}-\d{2}T/.test(clockStart))) {
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
    eventStoreUrl,
    mongoUrl,
    embeddedProjector: bool(env, 'EMBEDDED_PROJECTOR', true),
    runReactors: bool(env, 'RUN_REACTORS', true),
    clockStart,
    clockSpeed,
    holidaysFile: env.HOLIDAYS_FILE && env.HOLIDAYS_FILE !== '' ? path.resolve(env.HOLIDAYS_FILE) : null,
    queryWaitTimeoutMs: int(env, 'QUERY_WAIT_TIMEOUT_MS', 5000, 0, 60_000),
    logLevel,
    bodyLimit,
    expirySweepMs: int(env, 'EXPIRY_SWEEP_MS', 30_000, 100, 3_600_000),
  };
}
