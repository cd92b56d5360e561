import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth, so key order never changes the bytes', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it('writes scalars as JSON does and drops undefined properties', () => {
    expect(canonicalJson({ s: 'a"b', n: -1.5, t: true, f: false, u: undefined })).toBe('{"f":false,"n":-1.5,"s":"a\\"b","t":true}');
    expect(canonicalJson(Object.create(null) as object)).toBe('{}');
  });

  it('writes numbers, booleans and awkward keys exactly as JSON.stringify does', () => {
    const numbers = [0, -0, 1, -1.5, 0.1 + 0.2, 1e21, 5e-7, Number.MAX_SAFE_INTEGER, -Number.MAX_VALUE, Number.MIN_VALUE];
    expect(canonicalJson(numbers)).toBe(JSON.stringify(numbers));
    expect(canonicalJson([true, false])).toBe('[true,false]');
    const keys = { 'a"b': 1, 'line\nbreak': 2, '\u2028': 3, ünï: 4 };
    expect(JSON.parse(canonicalJson(keys))).toEqual(keys);
    expect(canonicalJson(keys)).toBe(JSON.stringify(Object.fromEntries(Object.entries(keys).sort(([a], [b]) => (a < b ? -1 : 1)))));
  });

  it.each([
    ['a bigint', { v: 1n }],
    ['NaN', { v: Number.NaN }],
    ['Infinity', { v: Number.POSITIVE_INFINITY }],
    ['undefined in an array', { v: [1, undefined] }],
    ['a function', { v: () => 1 }],
    ['a Date', { v: new Date(0) }],
    ['a Map', { v: new Map() }],
  ])('refuses %s with INVALID_DOCUMENT and the path', (_label, value) => {
    expect(() => canonicalJson(value)).toThrow(expect.objectContaining({ code: 'INVALID_DOCUMENT', details: expect.objectContaining({ path: expect.stringMatching(/^\$\.v/) }) }));
  });

  it('names the exact path of a value deep inside arrays and objects', () => {
    const doc = { a: 1, list: [{ ok: true }, { inner: { fine: [1, 2], bad: [0, Number.NaN] } }] };
    expect(() => canonicalJson(doc)).toThrow(expect.objectContaining({ message: expect.stringMatching(/^\$\.list\[1\]\.inner\.bad\[1\]: NaN is not a finite number/), details: { path: '$.list[1].inner.bad[1]' } }));
  });
});
