import { MongoServerError } from 'mongodb';
import { InvalidQueryError } from '../errors';
import type { CollectionSpec, FieldCondition, FindQuery, Page } from '../read-model-store.port';
import { encodeCursor, validateFindQuery, validateWhere } from '../support/find-query';
import { assertCollectionName, assertFieldName, assertId } from '../support/names';
import type { MongoConnection } from './mongo-connection';
import { collectionName, cursorValue, findFilter, findSort, indexDescription, whereFilter } from './mongo-query';

/* Collections and their documents: `rm_<name>` holding { _id, doc, pos }, with the CollectionSpec indexes. */

export const GET_MANY_CHUNK = 500;
const NAMESPACE_EXISTS = 48;
const INDEX_NOT_FOUND = 27;

/** Creates what is missing, and drops the indexes a spec no longer declares. */
export async function ensureCollections(conn: MongoConnection, specs: readonly CollectionSpec[]): Promise<void> {
  const planned = specs.map((spec) => {
    const name = assertCollectionName(spec.name);
    const indexes = spec.indexes.map((fields) => {
      if (fields.length === 0) throw new InvalidQueryError(`collection ${name}: an index needs at least one field`);
      return indexDescription(fields.map(assertFieldName));
    });
    return { name, indexes };
  });
  await conn.run('ensureCollections', async () => {
    for (const { name, indexes } of planned) {
      try {
        await conn.db.createCollection(collectionName(name));
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === NAMESPACE_EXISTS)) throw error;
      }
      const docs = conn.docs(name);
      // An index the spec no longer declares would still cost every write: drop it.
      const declared = new Set(indexes.map((index) => index.name));
      const present = new Set<string>();
      for (const existing of await docs.indexes()) {
        if (typeof existing.name !== 'string') continue;
        present.add(existing.name);
        if (existing.name.startsWith('ix_') && !declared.has(existing.name)) await dropIndexIfPresent(docs, existing.name);
      }
      // Only what is missing: an index's name spells its fields, so one of that name is that index. (Asking for an
      // existing compound index again is a no-op on MongoDB but closes the connection on FerretDB 1.24.)
      const missing = indexes.filter((index) => !present.has(index.name ?? ''));
      if (missing.length > 0) await docs.createIndexes(missing);
      conn.known.add(name);
    }
  });
}

/** Drops the indexes made from CollectionSpecs (named ix_...); _id stays. */
export async function dropIndexes(conn: MongoConnection, collections: readonly string[]): Promise<void> {
  collections.forEach(assertCollectionName);
  await conn.run('dropIndexes', async () => {
    await conn.learnCollections(collections);
    for (const name of collections) {
      if (!conn.known.has(name)) continue;
      const indexes = await conn.docs(name).indexes();
      for (const index of indexes) if (typeof index.name === 'string' && index.name.startsWith('ix_')) await dropIndexIfPresent(conn.docs(name), index.name);
    }
  });
}

/** Drops an index; one already gone (another replica dropping the same undeclared index at once) is not an error. */
export async function dropIndexIfPresent(docs: { dropIndex(name: string): Promise<unknown> }, name: string): Promise<void> {
  try {
    await docs.dropIndex(name);
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === INDEX_NOT_FOUND)) throw error;
  }
}

export async function getDocument<T>(conn: MongoConnection, collection: string, id: string): Promise<T | null> {
  assertCollectionName(collection);
  assertId(id);
  return conn.run('get', async () => {
    const row = await conn.docs(collection).findOne({ _id: id }, { projection: { doc: 1 } });
    return (row?.doc as T | undefined) ?? null;
  });
}

export async function getDocuments<T>(conn: MongoConnection, collection: string, ids: readonly string[]): Promise<Map<string, T>> {
  assertCollectionName(collection);
  ids.forEach(assertId);
  return conn.run('getMany', async () => {
    const found = new Map<string, T>();
    const unique = [...new Set(ids)];
    for (let start = 0; start < unique.length; start += GET_MANY_CHUNK) {
      const chunk = unique.slice(start, start + GET_MANY_CHUNK);
      for (const row of await conn.docs(collection).find({ _id: { $in: chunk } }, { projection: { doc: 1 } }).toArray()) {
        if (row.doc !== undefined) found.set(row._id, row.doc as T);
      }
    }
    return found;
  });
}

export async function findDocuments<T>(conn: MongoConnection, collection: string, query: FindQuery): Promise<Page<T>> {
  assertCollectionName(collection);
  const validated = validateFindQuery(query);
  return conn.run('find', async () => {
    const rows = await conn
      .docs(collection)
      .find(findFilter(validated), { sort: findSort(validated), limit: validated.limit + 1, projection: { doc: 1 } })
      .toArray();
    const pageRows = rows.slice(0, validated.limit);
    const last = pageRows[pageRows.length - 1];
    return {
      items: pageRows.map((row) => row.doc as T),
      nextCursor:
        rows.length > validated.limit && last ? encodeCursor(validated.orderBy, { value: cursorValue(last.doc, validated.orderBy.field), id: last._id }) : null,
    };
  });
}

export async function countDocuments(conn: MongoConnection, collection: string, where?: Record<string, FieldCondition>): Promise<number> {
  assertCollectionName(collection);
  const filter = whereFilter(validateWhere(where));
  return conn.run('count', () => conn.docs(collection).countDocuments(filter));
}
