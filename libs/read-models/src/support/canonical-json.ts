import { assertNever } from '@robo/domain';
import { InvalidDocumentError } from '../errors';

/**
 * JSON with object keys sorted recursively, so equal documents always give equal bytes
 * (checksums and byte-identical rebuilds depend on it). Only plain JSON values are accepted:
 * a bigint, NaN/Infinity, a function, a class instance or undefined inside an array has no
 * single JSON form and is refused rather than silently changed. Undefined object properties are
 * dropped, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  try {
    return write(value);
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    const path = `$${error.segments.reverse().join('')}`;
    throw new InvalidDocumentError(`${path}: ${error.reason}`, { path });
  }
}

/**
 * A value that cannot be stored. The path to it is collected while the refusal travels back up, so documents that
 * are fine (all of them, on the write path of every projection) never pay for building paths.
 */
class Refusal {
  readonly segments: string[] = [];
  constructor(readonly reason: string) {}
}

function write(value: unknown): string {
  if (value === null) return 'null';
  const type = typeof value;
  switch (type) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new Refusal(`${String(value)} is not a finite number`);
      // For a finite number JSON's form is the number's string form.
      return String(value);
    case 'object':
      return Array.isArray(value) ? writeArray(value) : writeObject(value as object);
    case 'bigint':
    case 'undefined':
    case 'function':
    case 'symbol':
      throw new Refusal(`a ${type} cannot be stored in a document`);
    default:
      return assertNever(type);
  }
}

function writeArray(items: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    try {
      out += write(items[i]);
    } catch (error) {
      if (error instanceof Refusal) error.segments.push(`[${i}]`);
      throw error;
    }
  }
  return `${out}]`;
}

/** Quoted field names: documents repeat the same few names, and quoting one is a JSON.stringify call. */
const quotedKeys = new Map<string, string>();
const QUOTED_KEYS_LIMIT = 10_000;

function quoted(key: string): string {
  let q = quotedKeys.get(key);
  if (q === undefined) {
    q = JSON.stringify(key);
    // Keys that are data (ids, dates) would grow the cache without end: past the limit they are quoted each time.
    if (quotedKeys.size < QUOTED_KEYS_LIMIT) quotedKeys.set(key, q);
  }
  return q;
}

function writeObject(value: object): string {
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    throw new Refusal(`only plain objects can be stored (got ${value.constructor?.name ?? 'unknown'})`);
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  // Default sort compares UTF-16 code units: deterministic, which is all byte-equality needs.
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue;
    if (out.length > 1) out += ',';
    try {
      out += `${quoted(key)}:${write(item)}`;
    } catch (error) {
      if (error instanceof Refusal) error.segments.push(`.${key}`);
      throw error;
    }
  }
  return `${out}}`;
}

/**
 * True when canonicalJson(value) would give a string rather than throw, found without building it: the same rules,
 * walked. A value that cannot be walked at all (a cycle too deep for the stack) is not encodable either.
 */
export function encodable(value: unknown): boolean {
  try {
    return walkable(value);
  } catch {
    return false;
  }
}

function walkable(value: unknown): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!walkable(value[i])) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return false;
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const item = record[key];
        if (item !== undefined && !walkable(item)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
