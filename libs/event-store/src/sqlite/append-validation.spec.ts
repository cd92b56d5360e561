import { InvalidAppendError } from '../errors';
import { newEvent } from '../testing/test-events';
import { checkExpectedRevision, jsonProblem, prepareAppend } from './append-validation';

function problemOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidAppendError) return error.message;
    throw error;
  }
  return 'no error';
}

describe('prepareAppend', () => {
  it('serialises data and metadata, and keys the event id in lower case', () => {
    const event = newEvent('OrderPlaced', { qty: 5, note: undefined, tags: ['a'] }, { eventId: 'A1B2C3D4-0000-4000-8000-00000000000F' });
    const [prepared] = prepareAppend('order-1', [event]);
    expect(prepared).toEqual({
      eventId: 'A1B2C3D4-0000-4000-8000-00000000000F',
      eventIdKey: 'a1b2c3d4-0000-4000-8000-00000000000f',
      type: 'OrderPlaced',
      dataJson: '{"qty":5,"tags":["a"]}', // the undefined optional field is dropped, as JSON does
      metadataJson: JSON.stringify(event.metadata),
    });
  });

  it('treats ids differing only in case as the same id within one call', () => {
    const a = newEvent('T', {}, { eventId: 'a1b2c3d4-0000-4000-8000-00000000000f' });
    const b = newEvent('T', {}, { eventId: 'A1B2C3D4-0000-4000-8000-00000000000F' });
    expect(problemOf(() => prepareAppend('s', [a, b]))).toMatch(/repeated/);
  });

  it.each([
    ['correlationId', { correlationId: '' }, /correlationId/],
    ['causationId', { causationId: 42 as unknown as string }, /causationId/],
    ['actor', { actor: '' }, /actor/],
    ['occurredAt', { occurredAt: 'yesterday' }, /occurredAt/],
    ['schemaVersion', { schemaVersion: 1.5 }, /schemaVersion/],
  ])('rejects bad metadata: %s', (_, metadata, message) => {
    expect(problemOf(() => prepareAppend('s', [newEvent('T', {}, metadata)]))).toMatch(message);
  });

  it('rejects events that are not objects', () => {
    expect(problemOf(() => prepareAppend('s', [null]))).toMatch(/events\[0\] is not an object/);
  });
});

describe('jsonProblem', () => {
  it.each([
    ['a string', 'x'],
    ['zero', 0],
    ['null', null],
    ['nested plain data', { a: [1, { b: null }], c: { d: 'e' } }],
    ['an object without prototype', Object.assign(Object.create(null) as object, { a: 1 })],
    ['a shared, non-circular reference', (() => {
      const shared = { x: 1 };
      return { a: shared, b: shared };
    })()],
  ])('accepts %s', (_, value) => {
    expect(jsonProblem(value, 'data', [])).toBeNull();
  });

  it.each([
    ['undefined', undefined, 'data is a undefined'],
    ['an undefined array slot', [1, undefined], 'data[1] is a undefined'],
    ['Infinity', { p: Infinity }, 'data.p is Infinity'],
    ['a bigint', { q: 1n }, 'data.q is a bigint'],
    ['a function', { f: () => 1 }, 'data.f is a function'],
    ['a Map', { m: new Map() }, 'data.m is a Map'],
  ])('rejects %s', (_, value, start) => {
    expect(jsonProblem(value, 'data', [])).toMatch(new RegExp(`^${start.replace(/[.[\]]/g, '\\$&')}`));
  });

  it('rejects a cycle', () => {
    const cyclic: { self?: unknown } = {};
    cyclic.self = { back: cyclic };
    expect(jsonProblem(cyclic, 'data', [])).toBe('data.self.back is a circular reference');
  });
});

describe('checkExpectedRevision', () => {
  it('accepts the four forms and rejects numbers and negative bigints', () => {
    expect(['any', 'no_stream', 'stream_exists', 0n, 7n].map((v) => checkExpectedRevision('s', v))).toEqual(['any', 'no_stream', 'stream_exists', 0n, 7n]);
    expect(problemOf(() => checkExpectedRevision('s', 0))).toMatch(/write 0n, not 0/);
    expect(problemOf(() => checkExpectedRevision('s', -1n))).toMatch(/bigint >= 0/);
    expect(problemOf(() => checkExpectedRevision('s', 'latest'))).toMatch(/expectedRevision/);
  });
});
