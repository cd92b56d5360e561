import { changedFields, roomsOfDoc } from './live-docs';

describe('changedFields', () => {
  it('is every field for a document not seen before', () => {
    expect(changedFields(undefined, { a: 1, b: { c: 2 } })).toEqual({ a: 1, b: { c: 2 } });
  });
  it('is only the top-level fields whose value changed, compared deeply', () => {
    const before = { a: 1, b: { c: 2, d: [1, 2] }, e: 'x' };
    expect(changedFields(before, { a: 1, b: { d: [1, 2], c: 2 }, e: 'y' })).toEqual({ e: 'y' });
    expect(changedFields(before, { a: 1, b: { c: 2, d: [1, 3] }, e: 'x' })).toEqual({ b: { c: 2, d: [1, 3] } });
  });
  it('names removed fields as null, and is null when nothing changed', () => {
    expect(changedFields({ a: 1, b: 2 }, { a: 1 })).toEqual({ b: null });
    expect(changedFields({ a: 1, b: [1] }, { b: [1], a: 1 })).toBeNull();
  });
});

describe('roomsOfDoc', () => {
  it('puts an order in its account room and its strategy room', () => {
    expect(roomsOfDoc('orders', { accountId: 'a1', strategyId: 's1' })).toEqual(['account:a1', 'strategy:s1']);
    expect(roomsOfDoc('orders', { accountId: 'a1', strategyId: null })).toEqual(['account:a1']);
  });
  it('routes each collection to the rooms that show it', () => {
    expect(roomsOfDoc('positions', { accountId: 'a1', instrument: 'ITC' })).toEqual(['account:a1']);
    expect(roomsOfDoc('strategy_days', { strategyId: 's1', accountIds: ['a1'] })).toEqual(['strategy:s1']);
    expect(roomsOfDoc('strategies', { strategyId: 's1', accountId: 'a1' })).toEqual(['strategy:s1']);
    expect(roomsOfDoc('audit', { accountId: 'a1' })).toEqual(['audit']);
    expect(roomsOfDoc('last_prices', { instrument: 'ITC' })).toEqual([]);
  });
});
