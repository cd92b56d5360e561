import { decodeCursor, encodeCursor, validateFindQuery, validateWhere } from './find-query';

const orderBy = { field: 'seq', direction: 'desc' } as const;

describe('find query validation', () => {
  it('turns where entries into conditions and skips undefined ones', () => {
    expect(validateWhere({ a: 'x', b: { in: [1, null] }, c: { gte: 2, lt: 5 }, d: undefined as unknown as string, e: {} })).toEqual([
      { kind: 'eq', field: 'a', value: 'x' },
      { kind: 'in', field: 'b', values: [1, null] },
      { kind: 'range', field: 'c', bounds: { valueType: 'number', gte: 2, lt: 5 } },
    ]);
    expect(validateWhere({ t: { gt: '2026-01-01' } })).toEqual([{ kind: 'range', field: 't', bounds: { valueType: 'string', gt: '2026-01-01' } }]);
  });

  it.each([
    ['an array as a condition', { a: [1] }],
    ['{in} with extra keys', { a: { in: [1], gte: 1 } }],
    ['{in} holding an object', { a: { in: [{}] } }],
    ['a boolean range bound', { a: { gte: true } }],
    ['an unknown operator', { a: { ne: 1 } }],
    ['a dotted field', { 'a.b': 1 }],
  ])('refuses %s with INVALID_QUERY', (_label, where) => {
    expect(() => validateWhere(where as never)).toThrow(expect.objectContaining({ code: 'INVALID_QUERY' }));
  });

  it('round-trips a cursor for the same ordering only', () => {
    const cursor = encodeCursor(orderBy, { value: 42, id: 'o|1 x' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, orderBy)).toEqual({ value: 42, id: 'o|1 x' });
    expect(() => decodeCursor(cursor, { field: 'seq', direction: 'asc' })).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR' }));
    expect(validateFindQuery({ orderBy, limit: 5, cursor }).after).toEqual({ value: 42, id: 'o|1 x' });
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    ['the wrong shape', Buffer.from('["seq","desc",1]').toString('base64url')],
    ['an id that is not a string', Buffer.from('["seq","desc",1,2]').toString('base64url')],
  ])('refuses a cursor that is %s with INVALID_CURSOR', (_label, cursor) => {
    expect(() => decodeCursor(cursor, orderBy)).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR' }));
  });
});
