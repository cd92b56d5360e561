import { assertNever } from '@robo/domain';
import type { Document, IndexDescription, Sort } from 'mongodb';
import { InvalidQueryError } from '../errors';
import type { Scalar } from '../read-model-store.port';
import type { Condition, CursorPosition, ValidatedFindQuery } from '../support/find-query';

/*
 * Pure translation of validated queries into MongoDB filters, sorts and index keys (unit-tested in
 * mongo-query.spec.ts). A stored document is { _id: <id>, doc: <the read-model document>, pos: <int64> }:
 * the read model lives under `doc` so that its own fields can never collide with _id or the bookkeeping.
 * Semantics follow the SQLite adapter, which the contract suite pins down: a condition on a scalar never matches
 * a value of another type (MongoDB's type bracketing does the same for $eq, $in and ranges), an array never
 * matches a scalar condition (MongoDB would match one of its elements, hence the $not $type guard), null
 * matches null and missing, null and missing sort first ascending and last descending, ties break on the id.
 */

export const DOC = 'doc';

export function collectionName(collection: string): string {
  return `rm_${collection}`;
}

export function fieldPath(field: string): string {
  return `${DOC}.${field}`;
}

const NOT_ARRAY = { $not: { $type: 'array' } };

export function conditionFilter(condition: Condition): Document {
  switch (condition.kind) {
    case 'eq':
      return { [fieldPath(condition.field)]: { $eq: condition.value, ...NOT_ARRAY } };
    case 'in':
      // An empty list matches nothing, in both adapters.
      return { [fieldPath(condition.field)]: { $in: [...condition.values], ...NOT_ARRAY } };
    case 'range': {
      const { gte, gt, lte, lt } = condition.bounds;
      const range: Document = {};
      if (gte !== undefined) range.$gte = gte;
      if (gt !== undefined) range.$gt = gt;
      if (lte !== undefined) range.$lte = lte;
      if (lt !== undefined) range.$lt = lt;
      return { [fieldPath(condition.field)]: { ...range, ...NOT_ARRAY } };
    }
    default:
      return assertNever(condition);
  }
}

/** Documents strictly after the cursor in "field, then id" order (the same cases as the SQL version). */
export function afterCursorFilter(field: string, direction: 'asc' | 'desc', after: CursorPosition): Document {
  const f = fieldPath(field);
  const { value, id } = after;
  if (direction === 'asc') {
    if (value === null) return { $or: [{ [f]: null, _id: { $gt: id } }, { [f]: { $ne: null } }] };
    return { $or: [{ [f]: { $gt: value } }, { [f]: value, _id: { $gt: id } }] };
  }
  if (value === null) return { [f]: null, _id: { $lt: id } };
  return { $or: [{ [f]: { $lt: value } }, { [f]: value, _id: { $lt: id } }, { [f]: null }] };
}

export function whereFilter(conditions: readonly Condition[]): Document {
  const parts = conditions.map(conditionFilter);
  if (parts.length === 0) return {};
  return parts.length === 1 ? parts[0] : { $and: parts };
}

export function findFilter(query: ValidatedFindQuery): Document {
  const parts = query.conditions.map(conditionFilter);
  if (query.after) parts.push(afterCursorFilter(query.orderBy.field, query.orderBy.direction, query.after));
  if (parts.length === 0) return {};
  return parts.length === 1 ? parts[0] : { $and: parts };
}

export function findSort(query: ValidatedFindQuery): Sort {
  const dir = query.orderBy.direction === 'asc' ? 1 : -1;
  return { [fieldPath(query.orderBy.field)]: dir, _id: dir };
}

/**
 * Each index ends with _id, so "where a = ? order by b, id" pages come straight off the index in either
 * direction. Named after its fields, so creating it again is a no-op and a changed field list is a new index.
 */
export function indexDescription(fields: readonly string[]): IndexDescription {
  const key: Record<string, 1> = {};
  for (const field of fields) key[fieldPath(field)] = 1;
  key._id = 1;
  return { key, name: `ix_${fields.join('__')}` };
}

/** The value the next page continues from; objects and arrays have no cursor form (the SQLite adapter compares their JSON text). */
export function cursorValue(doc: Record<string, unknown> | undefined, field: string): Scalar {
  const value = doc?.[field];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
  throw new InvalidQueryError(`cannot page by ${field}: it holds an object or an array`, { field });
}
