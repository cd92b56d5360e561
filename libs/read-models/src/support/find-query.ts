import { InvalidCursorError, InvalidQueryError } from '../errors';
import type { FieldCondition, FindQuery, Scalar } from '../read-model-store.port';
import { isValidName } from './names';

export const MAX_LIMIT = 1000;
export const MAX_IN_VALUES = 1000;

/** A where-clause entry after validation, in a form every adapter can translate without re-checking. */
export type Condition =
  | { kind: 'eq'; field: string; value: Scalar }
  | { kind: 'in'; field: string; values: Scalar[] }
  | { kind: 'range'; field: string; bounds: RangeBounds };

export interface RangeBounds {
  /** Mongo and SQLite order numbers and strings differently against each other, so a range holds one type. */
  valueType: 'number' | 'string';
  gte?: number | string;
  gt?: number | string;
  lte?: number | string;
  lt?: number | string;
}

/** Where the previous page stopped: the order field's value (as the adapter compares it) and the document id. */
export interface CursorPosition {
  value: Scalar;
  id: string;
}

export interface ValidatedFindQuery {
  conditions: Condition[];
  orderBy: { field: string; direction: 'asc' | 'desc' };
  limit: number;
  after: CursorPosition | null;
}

const RANGE_KEYS = ['gte', 'gt', 'lte', 'lt'] as const;

export function validateFindQuery(query: FindQuery): ValidatedFindQuery {
  if (query === null || typeof query !== 'object') throw new InvalidQueryError('query must be an object');
  const { orderBy, limit } = query;
  if (!orderBy || typeof orderBy !== 'object' || !isValidName(orderBy.field)) {
    throw new InvalidQueryError(`invalid orderBy field ${JSON.stringify(orderBy?.field)}`);
  }
  if (orderBy.direction !== 'asc' && orderBy.direction !== 'desc') {
    throw new InvalidQueryError(`invalid orderBy direction ${JSON.stringify(orderBy.direction)}`);
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new InvalidQueryError(`limit must be an integer from 1 to ${MAX_LIMIT}, got ${JSON.stringify(limit)}`);
  }
  const normalizedOrder = { field: orderBy.field, direction: orderBy.direction };
  return {
    conditions: validateWhere(query.where),
    orderBy: normalizedOrder,
    limit,
    after: query.cursor == null ? null : decodeCursor(query.cursor, normalizedOrder),
  };
}

export function validateWhere(where: Record<string, FieldCondition> | undefined): Condition[] {
  if (where === undefined || where === null) return [];
  if (typeof where !== 'object' || Array.isArray(where)) throw new InvalidQueryError('where must be an object');
  return Object.keys(where).flatMap((field) => {
    if (!isValidName(field)) throw new InvalidQueryError(`invalid field name ${JSON.stringify(field)}`);
    return toConditions(field, where[field]);
  });
}

function isScalar(value: unknown): value is Scalar {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function toConditions(field: string, condition: unknown): Condition[] {
  // An absent optional filter (status: dto.status) means "any", as it would in a Mongo filter built the same way.
  if (condition === undefined) return [];
  if (isScalar(condition)) return [{ kind: 'eq', field, value: condition }];
  if (typeof condition !== 'object' || Array.isArray(condition)) {
    throw new InvalidQueryError(`field ${field}: unsupported condition ${JSON.stringify(condition)}`);
  }
  const keys = Object.keys(condition);
  if ('in' in condition) {
    const values = (condition as { in: unknown }).in;
    if (keys.length !== 1 || !Array.isArray(values) || !values.every(isScalar)) {
      throw new InvalidQueryError(`field ${field}: {in} takes an array of strings, numbers, booleans or null`);
    }
    if (values.length > MAX_IN_VALUES) throw new InvalidQueryError(`field ${field}: at most ${MAX_IN_VALUES} values in {in}`);
    return [{ kind: 'in', field, values: [...values] }];
  }
  const record = condition as Record<string, unknown>;
  const bounds: RangeBounds = { valueType: 'number' };
  const types = new Set<string>();
  for (const key of keys) {
    const bound = record[key];
    if (!(RANGE_KEYS as readonly string[]).includes(key)) throw new InvalidQueryError(`field ${field}: unknown operator ${key}`);
    if (bound === undefined) continue;
    if (typeof bound === 'string' || (typeof bound === 'number' && Number.isFinite(bound))) {
      bounds[key as (typeof RANGE_KEYS)[number]] = bound;
      types.add(typeof bound);
    } else {
      throw new InvalidQueryError(`field ${field}: a range bound must be a number or a string`);
    }
  }
  if (types.size > 1) throw new InvalidQueryError(`field ${field}: range bounds must all be numbers or all strings`);
  if (types.size === 0) return [];
  bounds.valueType = types.has('string') ? 'string' : 'number';
  return [{ kind: 'range', field, bounds }];
}

/** base64url of [field, direction, value, id]: opaque to clients, and tied to the ordering that produced it. */
export function encodeCursor(orderBy: { field: string; direction: 'asc' | 'desc' }, position: CursorPosition): string {
  return Buffer.from(JSON.stringify([orderBy.field, orderBy.direction, position.value, position.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: unknown, orderBy: { field: string; direction: 'asc' | 'desc' }): CursorPosition {
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new InvalidCursorError('malformed cursor');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('malformed cursor');
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw new InvalidCursorError('malformed cursor');
  const [field, direction, value, id] = parsed as unknown[];
  if (typeof id !== 'string' || !isScalar(value)) throw new InvalidCursorError('malformed cursor');
  if (field !== orderBy.field || direction !== orderBy.direction) {
    throw new InvalidCursorError('the cursor belongs to a different ordering');
  }
  return { value, id };
}
