import { InvalidCommand } from '../common/errors';
import type { JsonObject, JsonValue } from './strategy.events';

const KIND = /^[a-z][a-z0-9-]{0,49}$/;
// Ids end up in stream names (`strategy-<id>`), so no spaces and no surprises.
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const NAME_MAX = 100;
const INSTRUMENTS_MAX = 50;
/** Parameters are configuration, not data: a few kilobytes is plenty and keeps events small. */
const PARAMETERS_MAX_CHARS = 16_384;
const PARAMETERS_MAX_DEPTH = 8;

export function requireText(value: unknown, code: string, what: string, max = 200): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '' || text.length > max) throw new InvalidCommand(code, `${what} must be 1 to ${max} characters`);
  return text;
}

export function requireId(value: unknown, field: string): string {
  if (typeof value !== 'string' || !ID.test(value)) throw new InvalidCommand('INVALID_ID', `${field} must be 1 to 100 letters, digits, '.', '_', ':' or '-'`, { [field]: value });
  return value;
}

export function requireKind(kind: unknown): string {
  if (typeof kind !== 'string' || !KIND.test(kind)) {
    throw new InvalidCommand('STRATEGY_KIND_INVALID', 'kind must be lowercase letters, digits and dashes (e.g. ma-crossover)', { kind });
  }
  return kind;
}

export const requireName = (name: unknown): string => requireText(name, 'STRATEGY_NAME_INVALID', 'name', NAME_MAX);

export function requireInstruments(instruments: unknown): string[] {
  if (!Array.isArray(instruments) || instruments.length === 0 || instruments.length > INSTRUMENTS_MAX) {
    throw new InvalidCommand('STRATEGY_INSTRUMENTS_INVALID', `instruments must list 1 to ${INSTRUMENTS_MAX} symbols`);
  }
  const symbols = instruments.map((s) => (typeof s === 'string' ? s.trim() : ''));
  if (symbols.some((s) => s === '') || new Set(symbols).size !== symbols.length) {
    throw new InvalidCommand('STRATEGY_INSTRUMENTS_INVALID', 'instruments must be distinct, non-empty symbols', { instruments });
  }
  return symbols;
}

export function requireCapital(amount: unknown): number {
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) {
    throw new InvalidCommand('CAPITAL_ALLOCATION_INVALID', 'capitalAllocationPaise must be a positive integer amount of paise', { capitalAllocationPaise: amount });
  }
  return amount;
}

/** A plain JSON object (finite numbers, no functions, no cycles), small and shallow enough to live in an event. */
export function requireParameters(parameters: unknown): JsonObject {
  const problem = !isPlainObject(parameters) ? 'must be a JSON object' : jsonProblem(parameters, 0);
  if (problem !== null) throw new InvalidCommand('STRATEGY_PARAMETERS_INVALID', `parameters ${problem}`);
  if (JSON.stringify(parameters).length > PARAMETERS_MAX_CHARS) {
    throw new InvalidCommand('STRATEGY_PARAMETERS_INVALID', `parameters must serialise to at most ${PARAMETERS_MAX_CHARS} characters`);
  }
  return parameters as JsonObject;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function jsonProblem(value: unknown, depth: number): string | null {
  if (depth > PARAMETERS_MAX_DEPTH) return `nest deeper than ${PARAMETERS_MAX_DEPTH} levels`;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : 'hold a number that is not finite';
  const children = Array.isArray(value) ? value : isPlainObject(value) ? Object.values(value) : null;
  if (children === null) return `hold a ${typeof value} that JSON cannot represent`;
  for (const child of children) {
    const problem = jsonProblem(child, depth + 1);
    if (problem !== null) return problem;
  }
  return null;
}

/** JSON with object keys sorted, so two parameter sets compare equal whatever their key order. */
export function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
