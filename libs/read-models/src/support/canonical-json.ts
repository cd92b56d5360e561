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
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  const type = typeof value;
  switch (type) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidDocumentError(`${path}: ${String(value)} is not a finite number`, { path });
      return JSON.stringify(value);
    case 'object':
      return Array.isArray(value) ? writeArray(value, path) : writeObject(value as object, path);
    case 'bigint':
    case 'undefined':
    case 'function':
    case 'symbol':
      throw new InvalidDocumentError(`${path}: a ${type} cannot be stored in a document`, { path });
    default:
      return assertNever(type);
  }
}

function writeArray(items: readonly unknown[], path: string): string {
  return `[${items.map((item, i) => write(item, `${path}[${i}]`)).join(',')}]`;
}

function writeObject(value: object, path: string): string {
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    throw new InvalidDocumentError(`${path}: only plain objects can be stored (got ${value.constructor?.name ?? 'unknown'})`, { path });
  }
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  // Default sort compares UTF-16 code units: deterministic, which is all byte-equality needs.
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${write(item, `${path}.${key}`)}`);
  }
  return `{${parts.join(',')}}`;
}
