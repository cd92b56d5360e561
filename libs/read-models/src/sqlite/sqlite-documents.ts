import { InvalidDocumentError, InvalidQueryError, UnknownCollectionError } from '../errors';
import type { CollectionSpec, DocChange, FieldCondition, FindQuery, Page } from '../read-model-store.port';
import { canonicalJson } from '../support/canonical-json';
import { encodeCursor, validateFindQuery, validateWhere } from '../support/find-query';
import { assertCollectionName, assertFieldName, assertId } from '../support/names';
import type { SqliteConnection } from './sqlite-connection';
import { createIndexSql, findSql, indexName, tableName, whereSql, type SqlValue } from './sqlite-query';

/* Collections and their documents: a table per collection (id, canonical JSON doc) with expression indexes. */

const GET_MANY_CHUNK = 500;

/** Creates what is missing, and drops this store's indexes that a spec no longer declares (each costs every write). */
export function ensureCollections(conn: SqliteConnection, specs: readonly CollectionSpec[]): void {
  const planned = specs.map((spec) => {
    const name = assertCollectionName(spec.name);
    const indexes = spec.indexes.map((fields) => {
      if (fields.length === 0) throw new InvalidQueryError(`collection ${name}: an index needs at least one field`);
      const checked = fields.map(assertFieldName);
      return { name: indexName(name, checked), sql: createIndexSql(name, checked) };
    });
    return { name, indexes };
  });
  conn.run('ensureCollections', () => {
    let dropped = false;
    conn.db
      .transaction(() => {
        for (const { name, indexes } of planned) {
          conn.db.exec(`CREATE TABLE IF NOT EXISTS ${tableName(name)} (id TEXT PRIMARY KEY NOT NULL, doc TEXT NOT NULL)`);
          const declared = new Set(indexes.map((index) => index.name));
          for (const existing of conn.indexesOf(name)) {
            if (existing.startsWith(`ix_${name}__`) && !declared.has(existing)) {
              conn.db.exec(`DROP INDEX ${existing}`);
              dropped = true;
            }
          }
          indexes.forEach((index) => conn.db.exec(index.sql));
        }
      })
      .immediate();
    if (dropped) conn.clearStatements();
    specs.forEach((spec) => conn.knowTable(spec.name));
  });
}

/** Creating an index over loaded rows sorts once; maintaining it row by row touches a random page per insert. */
export function dropIndexes(conn: SqliteConnection, collections: readonly string[]): void {
  collections.forEach(assertCollectionName);
  conn.run('dropIndexes', () => {
    conn.db
      .transaction(() => {
        for (const collection of collections) {
          for (const name of conn.indexesOf(collection)) if (name.startsWith(`ix_${collection}__`)) conn.db.exec(`DROP INDEX ${name}`);
        }
      })
      .immediate();
    conn.clearStatements();
  });
}

export function getDocument<T>(conn: SqliteConnection, collection: string, id: string): T | null {
  assertCollectionName(collection);
  assertId(id);
  return conn.run('get', () => {
    if (!conn.hasTable(collection)) return null;
    const row = conn.stmt(`SELECT doc FROM ${tableName(collection)} WHERE id = ?`).get(id) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as T) : null;
  });
}

export function getDocuments<T>(conn: SqliteConnection, collection: string, ids: readonly string[]): Map<string, T> {
  assertCollectionName(collection);
  ids.forEach(assertId);
  return conn.run('getMany', () => {
    const found = new Map<string, T>();
    if (ids.length === 0 || !conn.hasTable(collection)) return found;
    const unique = [...new Set(ids)];
    for (let start = 0; start < unique.length; start += GET_MANY_CHUNK) {
      const chunk = unique.slice(start, start + GET_MANY_CHUNK);
      const sql = `SELECT id, doc FROM ${tableName(collection)} WHERE id IN (${chunk.map(() => '?').join(', ')})`;
      for (const row of conn.stmt(sql).all(...chunk) as { id: string; doc: string }[]) found.set(row.id, JSON.parse(row.doc) as T);
    }
    return found;
  });
}

export function findDocuments<T>(conn: SqliteConnection, collection: string, query: FindQuery): Page<T> {
  assertCollectionName(collection);
  const validated = validateFindQuery(query);
  return conn.run('find', () => {
    if (!conn.hasTable(collection)) return { items: [], nextCursor: null };
    const { sql, params } = findSql(collection, validated);
    const rows = conn.stmt(sql).all(...params) as { id: string; doc: string; order_value: SqlValue }[];
    const pageRows = rows.slice(0, validated.limit);
    const last = pageRows[pageRows.length - 1];
    return {
      items: pageRows.map((row) => JSON.parse(row.doc) as T),
      nextCursor: rows.length > validated.limit && last ? encodeCursor(validated.orderBy, { value: last.order_value, id: last.id }) : null,
    };
  });
}

export function countDocuments(conn: SqliteConnection, collection: string, where?: Record<string, FieldCondition>): number {
  assertCollectionName(collection);
  const { sql, params } = whereSql(validateWhere(where));
  return conn.run('count', () => {
    if (!conn.hasTable(collection)) return 0;
    return (conn.stmt(`SELECT COUNT(*) AS n FROM ${tableName(collection)}${sql}`).get(...params) as { n: number }).n;
  });
}

/** One document written or deleted; called inside the caller's transaction. */
export function writeDocument(conn: SqliteConnection, change: DocChange): void {
  const collection = assertCollectionName(change.collection);
  assertId(change.id);
  if (!conn.hasTable(collection)) throw new UnknownCollectionError(collection);
  if (change.doc === null) {
    conn.stmt(`DELETE FROM ${tableName(collection)} WHERE id = ?`).run(change.id);
    return;
  }
  if (typeof change.doc !== 'object' || Array.isArray(change.doc)) {
    throw new InvalidDocumentError(`${collection}/${change.id}: a document must be an object`);
  }
  const json = change.json ?? canonicalJson(change.doc);
  conn.stmt(`INSERT INTO ${tableName(collection)} (id, doc) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc`).run(change.id, json);
}
