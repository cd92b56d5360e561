import type { Collection } from '../collection';
import type { FieldCondition, Page, DocumentReader, Scalar } from '../read-model-store.port';
import { decodeCursor, encodeCursor, MAX_IN_VALUES } from '../support/find-query';

export interface AccountListQuery {
  where: Record<string, FieldCondition>;
  /** A field whose values are unique in the collection (a global position), so that a page can start after one. */
  orderBy: { field: string; direction: 'asc' | 'desc' };
  limit: number;
  cursor: string | null;
}

/**
 * A list limited to a key's accounts, for any number of them. Up to MAX_IN_VALUES accounts it is one query with
 * an {in}; past that the accounts are read in groups of MAX_IN_VALUES, each group's page from the same point, and
 * the pages merged in order. The cursor is the store's own kind (the ordering and the last value), so a key whose
 * grants cross the boundary between two pages keeps paging. The order field must be unique (global positions are):
 * a page starts strictly after the last value of the previous one. An order field whose values repeat (a name) needs
 * `idField`, the document field that holds its store id: the groups then start after the cursor's (value, id) as the
 * store orders them, and ties are broken by that id.
 */
export async function findOverAccounts<T extends object>(
  reads: DocumentReader,
  collection: Collection<T>,
  accountIds: readonly string[],
  query: AccountListQuery,
  idField?: string,
): Promise<Page<T>> {
  if (accountIds.length <= MAX_IN_VALUES) {
    return collection.find(reads, { ...query, where: { ...query.where, accountId: { in: accountIds } } });
  }
  if (idField !== undefined) return findOverGroupsWithTies<T>(reads, collection, accountIds, query, idField);
  const { field, direction } = query.orderBy;
  const after = query.cursor === null ? null : decodeCursor(query.cursor, query.orderBy).value;
  const start: FieldCondition | null = after === null ? null : direction === 'desc' ? { lt: after } : { gt: after };
  const items: T[] = [];
  let more = false;
  for (let i = 0; i < accountIds.length; i += MAX_IN_VALUES) {
    const group = accountIds.slice(i, i + MAX_IN_VALUES);
    const where = { ...query.where, accountId: { in: group }, ...(start === null ? {} : { [field]: start }) };
    const page = await collection.find(reads, { where, orderBy: query.orderBy, limit: query.limit, cursor: null });
    items.push(...page.items);
    more ||= page.nextCursor !== null;
  }
  const sign = direction === 'asc' ? 1 : -1;
  items.sort((a, b) => sign * compare(fieldOf(a, field), fieldOf(b, field)));
  more ||= items.length > query.limit;
  const pageItems = items.slice(0, query.limit);
  const last = pageItems[pageItems.length - 1];
  // The id only breaks ties of the order field, and the field is unique: a sentinel past every id in that direction.
  const nextCursor = more && last ? encodeCursor(query.orderBy, { value: fieldOf(last, field), id: direction === 'asc' ? '\uffff' : '' }) : null;
  return { items: pageItems, nextCursor };
}

async function findOverGroupsWithTies<T extends object>(
  reads: DocumentReader,
  collection: Collection<T>,
  accountIds: readonly string[],
  query: AccountListQuery,
  idField: string,
): Promise<Page<T>> {
  const { field, direction } = query.orderBy;
  const items: T[] = [];
  let more = false;
  for (let i = 0; i < accountIds.length; i += MAX_IN_VALUES) {
    const where = { ...query.where, accountId: { in: accountIds.slice(i, i + MAX_IN_VALUES) } };
    // The cursor is a position in (field, id) order, the same in every group.
    const page = await collection.find(reads, { where, orderBy: query.orderBy, limit: query.limit, cursor: query.cursor });
    items.push(...page.items);
    more ||= page.nextCursor !== null;
  }
  const sign = direction === 'asc' ? 1 : -1;
  items.sort((a, b) => sign * (compare(fieldOf(a, field), fieldOf(b, field)) || compare(fieldOf(a, idField), fieldOf(b, idField))));
  more ||= items.length > query.limit;
  const pageItems = items.slice(0, query.limit);
  const last = pageItems[pageItems.length - 1];
  const nextCursor = more && last ? encodeCursor(query.orderBy, { value: fieldOf(last, field), id: String(fieldOf(last, idField)) }) : null;
  return { items: pageItems, nextCursor };
}

function compare(a: Scalar, b: Scalar): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/** The order field of a document (top-level, as the store orders it). */
function fieldOf(doc: object, field: string): Scalar {
  return (doc as Record<string, unknown>)[field] as Scalar;
}
