import { Long } from 'mongodb';
import { CheckpointRegressionError, InvalidDocumentError, InvalidNameError, UnknownCollectionError } from '../errors';
import { encodeCursor, validateFindQuery } from '../support/find-query';
import { databaseFromUrl } from './mongo-read-model-store';
import { mapMongoError, isMongoUnavailable } from './mongo-errors';
import { afterCursorFilter, collectionName, conditionFilter, cursorValue, findFilter, findSort, indexDescription, whereFilter } from './mongo-query';
import { bulkOperations, checkCheckpoint, checkpointUpdate, guardOf, idFilteredOperations, inSlices, prepareChanges, storedKey, toBigInt } from './mongo-writes';
import { MongoNetworkError, MongoServerError } from 'mongodb';

const NOT_ARRAY = { $not: { $type: 'array' } };

describe('MongoDB query translation', () => {
  it('keeps read models under doc, in rm_<name> collections', () => {
    expect(collectionName('orders')).toBe('rm_orders');
  });

  it('translates equality, membership and ranges, never matching arrays', () => {
    expect(conditionFilter({ kind: 'eq', field: 'status', value: 'OPEN' })).toEqual({ 'doc.status': { $eq: 'OPEN', ...NOT_ARRAY } });
    // null matches null and missing in MongoDB, as IS NULL does in SQLite.
    expect(conditionFilter({ kind: 'eq', field: 'label', value: null })).toEqual({ 'doc.label': { $eq: null, ...NOT_ARRAY } });
    expect(conditionFilter({ kind: 'in', field: 'score', values: [0, 2, null] })).toEqual({ 'doc.score': { $in: [0, 2, null], ...NOT_ARRAY } });
    expect(conditionFilter({ kind: 'in', field: 'score', values: [] })).toEqual({ 'doc.score': { $in: [], ...NOT_ARRAY } });
    expect(conditionFilter({ kind: 'range', field: 'score', bounds: { valueType: 'number', gte: 1, lt: 2 } })).toEqual({
      'doc.score': { $gte: 1, $lt: 2, ...NOT_ARRAY },
    });
  });

  it('combines conditions with $and, and a query without any matches everything', () => {
    expect(whereFilter([])).toEqual({});
    expect(whereFilter([{ kind: 'eq', field: 'a', value: 1 }])).toEqual({ 'doc.a': { $eq: 1, ...NOT_ARRAY } });
    expect(whereFilter([{ kind: 'eq', field: 'a', value: 1 }, { kind: 'eq', field: 'b', value: true }])).toEqual({
      $and: [{ 'doc.a': { $eq: 1, ...NOT_ARRAY } }, { 'doc.b': { $eq: true, ...NOT_ARRAY } }],
    });
  });

  it('sorts by the field then the id, in the requested direction', () => {
    const query = validateFindQuery({ orderBy: { field: 'seq', direction: 'desc' }, limit: 10 });
    expect(findSort(query)).toEqual({ 'doc.seq': -1, _id: -1 });
    expect(findFilter(query)).toEqual({});
  });

  it('continues strictly after the cursor: value, then id; null first ascending and last descending', () => {
    expect(afterCursorFilter('seq', 'asc', { value: 5, id: 'o-3' })).toEqual({ $or: [{ 'doc.seq': { $gt: 5 } }, { 'doc.seq': 5, _id: { $gt: 'o-3' } }] });
    expect(afterCursorFilter('seq', 'asc', { value: null, id: 'o-3' })).toEqual({
      $or: [{ 'doc.seq': null, _id: { $gt: 'o-3' } }, { 'doc.seq': { $ne: null } }],
    });
    expect(afterCursorFilter('seq', 'desc', { value: 5, id: 'o-3' })).toEqual({
      $or: [{ 'doc.seq': { $lt: 5 } }, { 'doc.seq': 5, _id: { $lt: 'o-3' } }, { 'doc.seq': null }],
    });
    expect(afterCursorFilter('seq', 'desc', { value: null, id: 'o-3' })).toEqual({ 'doc.seq': null, _id: { $lt: 'o-3' } });
  });

  it('adds the cursor to the conditions of the next page', () => {
    const cursor = encodeCursor({ field: 'seq', direction: 'desc' }, { value: 120, id: 'o-9' });
    const query = validateFindQuery({ where: { accountId: 'acc-1' }, orderBy: { field: 'seq', direction: 'desc' }, limit: 50, cursor });
    expect(findFilter(query)).toEqual({
      $and: [
        { 'doc.accountId': { $eq: 'acc-1', ...NOT_ARRAY } },
        { $or: [{ 'doc.seq': { $lt: 120 } }, { 'doc.seq': 120, _id: { $lt: 'o-9' } }, { 'doc.seq': null }] },
      ],
    });
  });

  it('builds each index over the fields and then _id, named after its fields (so creating it twice is a no-op)', () => {
    expect(indexDescription(['accountId', 'seq'])).toEqual({ key: { 'doc.accountId': 1, 'doc.seq': 1, _id: 1 }, name: 'ix_accountId__seq' });
  });

  it('takes the cursor value from the last document: scalars as they are, missing as null, never an object', () => {
    expect(cursorValue({ seq: 7 }, 'seq')).toBe(7);
    expect(cursorValue({ seq: 'x' }, 'seq')).toBe('x');
    expect(cursorValue({ seq: false }, 'seq')).toBe(false);
    expect(cursorValue({}, 'seq')).toBeNull();
    expect(cursorValue({ seq: null }, 'seq')).toBeNull();
    expect(() => cursorValue({ seq: { a: 1 } }, 'seq')).toThrow(expect.objectContaining({ code: 'INVALID_QUERY' }));
  });

  it('names the database after the URL path, else robo', () => {
    expect(databaseFromUrl('mongodb://localhost:27017/trading?replicaSet=rs0')).toBe('trading');
    expect(databaseFromUrl('mongodb://u:p%2Fq@a:1,b:2/robo_prod')).toBe('robo_prod');
    expect(databaseFromUrl('mongodb://localhost:27017/?directConnection=true')).toBe('robo');
    expect(databaseFromUrl('mongodb+srv://cluster.example.net')).toBe('robo');
  });
});

describe('MongoDB writes', () => {
  const known = (name: string) => name === 'items' || name === 'other';

  it('guards a write by the document lastEventPosition, else by the checkpoint; a delete by the checkpoint', () => {
    expect(guardOf({ lastEventPosition: 41 }, 50n)).toBe(41n);
    expect(guardOf({ v: 1 }, 50n)).toBe(50n);
    expect(guardOf({ lastEventPosition: '41' }, 50n)).toBe(50n);
    expect(guardOf(null, 50n)).toBe(50n);
  });

  it('normalises documents as canonical JSON and keeps the last change per document', () => {
    const prepared = prepareChanges(
      [
        { collection: 'items', id: 'a', doc: { b: 1, a: { d: 2, c: [3] }, skipped: undefined } },
        { collection: 'other', id: 'a', doc: null },
        { collection: 'items', id: 'a', doc: { v: 2, lastEventPosition: 9 } },
      ],
      10n,
      known,
    );
    expect(prepared).toEqual([
      { collection: 'other', id: 'a', doc: null, guard: 10n },
      { collection: 'items', id: 'a', doc: { lastEventPosition: 9, v: 2 }, guard: 9n },
    ]);
    expect(Object.keys(prepareChanges([{ collection: 'items', id: 'x', doc: { b: 1, a: 2 } }], 1n, known)[0].doc ?? {})).toEqual(['a', 'b']);
  });

  it('refuses a bad name, an unknown collection or a value JSON cannot hold, before anything is written', () => {
    expect(() => prepareChanges([{ collection: 'bad-name', id: 'x', doc: {} }], 1n, known)).toThrow(InvalidNameError);
    expect(() => prepareChanges([{ collection: 'never', id: 'x', doc: {} }], 1n, known)).toThrow(UnknownCollectionError);
    expect(() => prepareChanges([{ collection: 'items', id: 'x', doc: { v: 10n } }], 1n, known)).toThrow(InvalidDocumentError);
    expect(() => prepareChanges([{ collection: 'items', id: 'x', doc: [] as unknown as Record<string, unknown> }], 1n, known)).toThrow(InvalidDocumentError);
    expect(() => prepareChanges([{ collection: 'items', id: '', doc: {} }], 1n, known)).toThrow(expect.objectContaining({ code: 'INVALID_QUERY' }));
  });

  it('writes each document with two guarded operator updates (no pipeline) and deletes only older documents', () => {
    const ops = bulkOperations([
      { collection: 'items', id: 'a', doc: { price: '$100' }, guard: 7n },
      { collection: 'items', id: 'b', doc: null, guard: 8n },
    ]);
    expect([...ops.keys()]).toEqual(['items']);
    const older = (id: string, guard: number) => ({ _id: id, $or: [{ pos: { $lt: Long.fromNumber(guard) } }, { pos: { $exists: false } }] });
    expect(ops.get('items')).toEqual([
      { updateOne: { filter: { _id: 'a' }, update: { $setOnInsert: { doc: { price: '$100' }, pos: Long.fromNumber(7) } }, upsert: true } },
      { updateOne: { filter: older('a', 7), update: { $set: { doc: { price: '$100' }, pos: Long.fromNumber(7) } } } },
      { deleteOne: { filter: older('b', 8) } },
    ]);
    for (const op of ops.get('items') ?? []) {
      if ('updateOne' in op) expect(Array.isArray(op.updateOne.update)).toBe(false);
    }
  });

  it('moves the checkpoint with $max so that it never goes back', () => {
    expect(checkpointUpdate(2n ** 60n, '2026-01-01T00:00:00.000Z')).toEqual({
      $max: { position: Long.fromBigInt(2n ** 60n) },
      $set: { updatedAt: '2026-01-01T00:00:00.000Z' },
    });
  });

  it('reads positions back whatever int64 form the driver returns, and refuses positions int64 cannot hold', () => {
    expect(toBigInt(5)).toBe(5n);
    expect(toBigInt(Long.fromBigInt(2n ** 60n))).toBe(2n ** 60n);
    expect(toBigInt(7n)).toBe(7n);
    expect(() => toBigInt('5')).toThrow(TypeError);
    expect(checkCheckpoint(0n)).toBe(0n);
    expect(() => checkCheckpoint(2n ** 63n)).toThrow(TypeError);
    expect(() => checkCheckpoint(-1n)).toThrow(TypeError);
    expect(() => checkCheckpoint(5)).toThrow(TypeError);
  });
});

describe('MongoDB error mapping', () => {
  // Server selection timeouts are checked with the real driver in mongo-unreachable.int-spec.ts.
  it('maps dropped connections, elections and refused credentials to READ_STORE_UNAVAILABLE (503)', () => {
    const unavailable = [
      new MongoNetworkError('connection reset'),
      new MongoServerError({ code: 10107, errmsg: 'not primary' }),
      new MongoServerError({ code: 18, errmsg: 'Authentication failed.' }),
      new MongoServerError({ code: 112, errmsg: 'WriteConflict', errorLabels: ['TransientTransactionError'] }),
    ];
    for (const error of unavailable) {
      expect(isMongoUnavailable(error)).toBe(true);
      expect(mapMongoError(error, 'commit')).toMatchObject({ code: 'READ_STORE_UNAVAILABLE', cause: error });
    }
  });

  it('maps a document too large for BSON to INVALID_DOCUMENT, and lets our own and other errors through', () => {
    expect(mapMongoError(new MongoServerError({ code: 10334, errmsg: 'BSONObjectTooLarge' }), 'commit')).toBeInstanceOf(InvalidDocumentError);
    const regression = new CheckpointRegressionError('p', 10n, 9n);
    expect(mapMongoError(regression, 'commit')).toBe(regression);
    const other = new MongoServerError({ code: 2, errmsg: 'BadValue' });
    expect(mapMongoError(other, 'find')).toBe(other);
  });
});

describe('inSlices (bulk writes small enough for the server)', () => {
  it('keeps the order and cuts at the size; one slice when it fits or the size is unbounded', () => {
    expect(inSlices([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(inSlices([1, 2, 3], 3)).toEqual([[1, 2, 3]]);
    expect(inSlices([1, 2, 3], Infinity)).toEqual([[1, 2, 3]]);
    expect(inSlices([], 2)).toEqual([]);
    expect(() => inSlices([1], 0)).toThrow(RangeError);
  });
});

describe('idFilteredOperations (guards checked against positions read first, every filter { _id })', () => {
  const change = (id: string, guard: bigint, doc: Record<string, unknown> | null = { id }) => ({ collection: 'orders', id, doc, guard });
  it('inserts a new document, replaces an older one, leaves a newer or equal one, and deletes only an older one', () => {
    const stored = new Map<string, bigint | null>([
      [storedKey('orders', 'older'), 3n],
      [storedKey('orders', 'newer'), 9n],
      [storedKey('orders', 'same'), 5n],
      [storedKey('orders', 'unguarded'), null],
      [storedKey('orders', 'gone-older'), 1n],
      [storedKey('orders', 'gone-newer'), 8n],
    ]);
    const ops = idFilteredOperations(
      [change('new', 5n), change('older', 5n), change('newer', 5n), change('same', 5n), change('unguarded', 5n), change('gone-older', 5n, null), change('gone-newer', 5n, null), change('absent', 5n, null)],
      stored,
    ).get('orders')!;
    const pos = Long.fromBigInt(5n);
    expect(ops).toEqual([
      { updateOne: { filter: { _id: 'new' }, update: { $setOnInsert: { doc: { id: 'new' }, pos } }, upsert: true } },
      { updateOne: { filter: { _id: 'older' }, update: { $set: { doc: { id: 'older' }, pos } } } },
      { updateOne: { filter: { _id: 'unguarded' }, update: { $set: { doc: { id: 'unguarded' }, pos } } } },
      { deleteOne: { filter: { _id: 'gone-older' } } },
    ]);
    for (const op of ops) expect(Object.keys(Object.values(op)[0].filter)).toEqual(['_id']);
  });
});
