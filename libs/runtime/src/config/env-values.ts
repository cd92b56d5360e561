import * as path from 'node:path';

/** The environment as the loader reads it (process.env, or a test's own). */
export type Env = Record<string, string | undefined>;

/**
 * A variable that is missing or malformed. Every module's variables are read by loadConfig with the readers below,
 * so that every bad value ends the start the same way: this message, naming the variable, and exit code 78.
 */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(public readonly variable: string, message: string) {
    super(`configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

/** The value, or null when unset or blank (surrounding spaces are not part of a value). */
export function text(env: Env, name: string): string | null {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? null : raw;
}

/** A path variable: absolute, or null when unset or empty (then the bundled data is used). */
export function file(env: Env, name: string): string | null {
  const value = text(env, name);
  return value === null ? null : path.resolve(value);
}

/** A whole number from min to max; the fallback when unset. */
export function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got ${value}`);
  return value;
}

export function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name);
  if (raw === null) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

export function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, name);
  if (raw === null) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

/** A value that must match `pattern`; `shape` says what is expected (`must be <shape>`). */
export function matching(env: Env, name: string, pattern: RegExp, shape: string): string | null {
  const value = text(env, name);
  if (value !== null && !pattern.test(value)) throw new ConfigError(name, `must be ${shape}, got "${value}"`);
  return value;
}
