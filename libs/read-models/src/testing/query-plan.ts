import Database from 'better-sqlite3';
import type { FindQuery } from '../read-model-store.port';
import { validateFindQuery } from '../support/find-query';
import { findSql, tableName } from '../sqlite/sqlite-query';

export interface PlanRow {
  id: number;
  parent: number;
  detail: string;
}

/** EXPLAIN QUERY PLAN of the SQL the SQLite store runs for this find, read through a second connection to its file. */
export function findPlan(file: string, collection: string, query: FindQuery): PlanRow[] {
  const { sql, params } = findSql(collection, validateFindQuery(query));
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as PlanRow[];
  } finally {
    db.close();
  }
}

/**
 * True when a sort step takes its rows straight from the collection's table, i.e. sorts every matching document
 * rather than pages already read in order.
 */
export function sortsTableRows(plan: readonly PlanRow[], collection: string): boolean {
  const readsTable = (row: PlanRow) => new RegExp(`^(SEARCH|SCAN) ${tableName(collection)}\\b`).test(row.detail);
  return plan.some((sort) => sort.detail.includes('TEMP B-TREE') && plan.some((row) => row.parent === sort.parent && readsTable(row)));
}
