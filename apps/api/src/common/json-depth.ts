import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './api-error';

/**
 * Deepest nesting of objects and arrays a request body may have. Real bodies nest a few levels (strategy
 * parameters the most); the framework's recursive walks over a parsed body overflow the stack somewhere past a
 * thousand levels, so the limit is checked on the raw bytes, before anything parses or walks them.
 */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * The deepest nesting of `{`/`[` in UTF-8 JSON text, brackets inside strings not counted; stops counting once past
 * `limit`. One pass, no recursion and no allocation. Multi-byte UTF-8 sequences never contain these ASCII bytes.
 */
export function jsonNestingDepth(bytes: Uint8Array, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth--;
    }
  }
  return deepest;
}

/**
 * The JSON body parser's `verify` hook: runs on the raw body before it is decoded or parsed. Refuses a charset other
 * than UTF-8 (RFC 8259: JSON between systems is UTF-8; the byte scan below relies on it), bytes that are not valid
 * UTF-8 (decoding would silently turn them into U+FFFD), and a body nested deeper than MAX_JSON_DEPTH, each with a
 * 4xx and a code.
 */
export function verifyJsonBody(_req: IncomingMessage, _res: ServerResponse, body: Buffer, encoding: string | null): void {
  if (encoding !== null && encoding.toLowerCase() !== 'utf-8' && encoding.toLowerCase() !== 'utf8') {
    throw new ApiError(415, 'UNSUPPORTED_ENCODING', 'JSON bodies must be UTF-8');
  }
  if (!isUtf8(body)) throw new ApiError(400, 'INVALID_UTF8', 'the request body is not valid UTF-8');
  if (jsonNestingDepth(body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new ApiError(400, 'JSON_TOO_DEEP', `the request body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`, { maxDepth: MAX_JSON_DEPTH });
  }
}
