import { assertNever } from '@robo/domain';
import type { Scalar } from '../read-model-store.port';
import type { Condition, CursorPosition, RangeBounds, ValidatedFindQuery } from '../support/find-query';

/** A fragment of SQL and the values bound to its placeholders. Field names were validated before reaching here. */
export interface SqlFragment {
  sql: string;
  params: SqlValue[];
}
export type SqlValue = string | number | null;

export function tableName(collection: string): string {
  return `rm_${collection}`;
}

/** The exact expression used in the indexes too: SQLite only uses an expression index when the text matches. */
export function fieldExpr(field: string): string {
  return `json_extract(doc, '$.${field}')`;
}

function typeExpr(field: string): string {
  return `json_type(doc, '$.${field}')`;
}

export function indexName(collection: string, fields: readonly string[]): string {
  return `ix_${collection}__${fields.join('__')}`;
}

/** Each index ends with id so that "order by field, then id" pages are read straight from the index. */
export function createIndexSql(collection: string, fields: readonly string[]): string {
  const columns = [...fields.map(fieldExpr), 'id'].join(', ');
  return `CREATE INDEX IF NOT EXISTS ${indexName(collection, fields)} ON ${tableName(collection)} (${columns})`;
}

/** json_extract turns JSON true/false into 1/0, and SQLite cannot bind booleans. */
export function toSqlValue(value: Scalar): SqlValue {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

type ScalarKind = 'string' | 'number' | 'boolean';

function kindOf(value: Exclude<Scalar, null>): ScalarKind {
  return typeof value as ScalarKind;
}

/**
 * json_extract alone would let 1 match true and '["a"]' match an array, so each comparison also checks the
 * JSON type. The value comparison stays first so the expression index still serves it.
 */
function typeGuard(field: string, kind: ScalarKind): string {
  switch (kind) {
    case 'string':
      return `${typeExpr(field)} = 'text'`;
    case 'number':
      return `${typeExpr(field)} IN ('integer', 'real')`;
    case 'boolean':
      return `${typeExpr(field)} IN ('true', 'false')`;
    default:
      return assertNever(kind);
  }
}

function conditionSql(condition: Condition): SqlFragment {
  switch (condition.kind) {
    case 'eq': {
      const { field, value } = condition;
      if (value === null) return { sql: `${fieldExpr(field)} IS NULL`, params: [] };
      return { sql: `(${fieldExpr(field)} = ? AND ${typeGuard(field, kindOf(value))})`, params: [toSqlValue(value)] };
    }
    case 'in':
      return inSql(condition.field, condition.values);
    case 'range':
      return rangeSql(condition.field, condition.bounds);
    default:
      return assertNever(condition);
  }
}

function inSql(field: string, values: readonly Scalar[]): SqlFragment {
  const byKind = new Map<ScalarKind, SqlValue[]>();
  let includesNull = false;
  for (const value of values) {
    if (value === null) {
      includesNull = true;
      continue;
    }
    const list = byKind.get(kindOf(value)) ?? [];
    list.push(toSqlValue(value));
    byKind.set(kindOf(value), list);
  }
  const parts: string[] = [];
  const params: SqlValue[] = [];
  for (const [kind, list] of byKind) {
    parts.push(`(${fieldExpr(field)} IN (${list.map(() => '?').join(', ')}) AND ${typeGuard(field, kind)})`);
    params.push(...list);
  }
  if (includesNull) parts.push(`${fieldExpr(field)} IS NULL`);
  // An empty list matches nothing, as {$in: []} does in MongoDB.
  if (parts.length === 0) return { sql: '0', params: [] };
  return { sql: `(${parts.join(' OR ')})`, params };
}

function rangeSql(field: string, bounds: RangeBounds): SqlFragment {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  const ops = [
    ['gte', '>='],
    ['gt', '>'],
    ['lte', '<='],
    ['lt', '<'],
  ] as const;
  for (const [key, op] of ops) {
    const bound = bounds[key];
    if (bound === undefined) continue;
    parts.push(`${fieldExpr(field)} ${op} ?`);
    params.push(bound);
  }
  parts.push(typeGuard(field, bounds.valueType));
  return { sql: `(${parts.join(' AND ')})`, params };
}

/**
 * Rows strictly after the cursor in "field, then id" order. SQLite sorts NULL first ascending and last
 * descending, which is also MongoDB's order for null and missing values.
 */
function afterCursorSql(field: string, direction: 'asc' | 'desc', after: CursorPosition): SqlFragment {
  const f = fieldExpr(field);
  const value = toSqlValue(after.value);
  if (direction === 'asc') {
    if (value === null) return { sql: `((${f} IS NULL AND id > ?) OR ${f} IS NOT NULL)`, params: [after.id] };
    return { sql: `(${f} > ? OR (${f} = ? AND id > ?))`, params: [value, value, after.id] };
  }
  if (value === null) return { sql: `(${f} IS NULL AND id < ?)`, params: [after.id] };
  return { sql: `(${f} < ? OR (${f} = ? AND id < ?) OR ${f} IS NULL)`, params: [value, value, after.id] };
}

export function whereSql(conditions: readonly Condition[]): SqlFragment {
  const fragments = conditions.map(conditionSql);
  if (fragments.length === 0) return { sql: '', params: [] };
  return { sql: ` WHERE ${fragments.map((f) => f.sql).join(' AND ')}`, params: fragments.flatMap((f) => f.params) };
}

/** Up to this many values, an {in} condition on a field other than the sort field is read one value at a time. */
export const IN_BRANCHES_LIMIT = 64;

/**
 * One page plus one row, so the caller knows whether another page exists.
 *
 * `field IN (a, b, ...) ORDER BY other` cannot be read in order from an index on (field, other): SQLite would
 * collect and sort every matching row for each page (a trader's orders over the accounts it may see, the working
 * orders of every status). Such a query is read as one branch per value instead, each `field = value` in index
 * order and limited to the page, and only the branches' rows are sorted.
 */
export function findSql(collection: string, query: ValidatedFindQuery): SqlFragment {
  const { field, direction } = query.orderBy;
  const dir = direction === 'asc' ? 'ASC' : 'DESC';
  const order = ` ORDER BY ${fieldExpr(field)} ${dir}, id ${dir} LIMIT ?`;
  const pageOf = (conditions: readonly Condition[]): SqlFragment => {
    const fragments = conditions.map(conditionSql);
    if (query.after) fragments.push(afterCursorSql(field, direction, query.after));
    const where = fragments.length ? ` WHERE ${fragments.map((f) => f.sql).join(' AND ')}` : '';
    return {
      sql: `SELECT id, doc, ${fieldExpr(field)} AS order_value FROM ${tableName(collection)}${where}${order}`,
      params: [...fragments.flatMap((f) => f.params), query.limit + 1],
    };
  };
  const split = query.conditions.find((c): c is Extract<Condition, { kind: 'in' }> => c.kind === 'in' && c.field !== field);
  const values = split ? distinct(split.values) : [];
  if (!split || values.length < 2 || values.length > IN_BRANCHES_LIMIT) return pageOf(query.conditions);
  const branches = values.map((value) => pageOf(query.conditions.map((c) => (c === split ? { kind: 'eq', field: c.field, value } : c))));
  return {
    sql: `SELECT id, doc, order_value FROM (${branches.map((b) => `SELECT * FROM (${b.sql})`).join(' UNION ALL ')}) ORDER BY order_value ${dir}, id ${dir} LIMIT ?`,
    params: [...branches.flatMap((b) => b.params), query.limit + 1],
  };
}

/** A value listed twice would make its branch's rows appear twice. */
function distinct(values: readonly Scalar[]): Scalar[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = `${typeof value}:${String(value)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
