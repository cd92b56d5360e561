import { jsonNestingDepth, MAX_JSON_DEPTH, verifyJsonBody } from './json-depth';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const verify = (text: string, encoding: string | null = 'utf-8') => () => verifyJsonBody({} as never, {} as never, bytes(text), encoding);

describe('JSON nesting depth on the raw body', () => {
  it('counts objects and arrays, not brackets inside strings or escaped quotes', () => {
    expect(jsonNestingDepth(bytes('{"a":1}'))).toBe(1);
    expect(jsonNestingDepth(bytes('{"a":[{"b":[]}]}'))).toBe(4);
    expect(jsonNestingDepth(bytes('{"a":"[[[[{{{{","b":"\\"[[[["}'))).toBe(1);
    expect(jsonNestingDepth(bytes('"plain"'))).toBe(0);
    expect(jsonNestingDepth(bytes('{"name":"Aśha ₹ [x]"}'))).toBe(1);
  });

  it('stops counting once past the limit', () => {
    expect(jsonNestingDepth(bytes('['.repeat(100_000)), 10)).toBe(11);
  });

  it('refuses a body nested past the limit with 400 JSON_TOO_DEEP, and accepts one at the limit', () => {
    expect(verify(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`)).not.toThrow();
    expect(verify(`{"apiKey":${'['.repeat(1500)}${']'.repeat(1500)}}`)).toThrow(expect.objectContaining({ status: 400, code: 'JSON_TOO_DEEP' }));
  });

  it('refuses a charset other than UTF-8 with 415', () => {
    expect(verify('{}', 'utf-16le')).toThrow(expect.objectContaining({ status: 415, code: 'UNSUPPORTED_ENCODING' }));
    expect(verify('{}', 'utf-8')).not.toThrow();
  });

  it('refuses bytes that are not UTF-8 with 400 INVALID_UTF8, and accepts every script', () => {
    const raw = (...parts: (string | number[])[]) => () =>
      verifyJsonBody({} as never, {} as never, Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p)))), 'utf-8');
    for (const invalid of [[0xff, 0xfe], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]) {
      expect(raw('{"name":"', invalid, '"}')).toThrow(expect.objectContaining({ status: 400, code: 'INVALID_UTF8' }));
    }
    expect(raw('{"name":"Aśha ₹ अनु 😀"}')).not.toThrow();
  });
});
