import { ErrorBody } from './common';
import { OPERATIONS, type Operation } from './operations';
import { nameOf, type Schema } from './schema';

/** The parts of an OpenAPI 3.1 document this module reads and writes. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { responses?: Record<string, unknown>; requestBody?: unknown; [k: string]: unknown }>>;
  components?: { schemas?: Record<string, unknown>; [k: string]: unknown };
  [k: string]: unknown;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

const REASONS: Record<number, string> = {
  400: 'malformed or out-of-range input (VALIDATION_FAILED, INVALID_ID, MIN_POSITION_AHEAD, ...); nothing is appended',
  401: 'no credential, or a bad, expired or revoked one',
  403: 'the role may not do this (FORBIDDEN)',
  404: 'unknown id, or one the caller may not see',
  409: 'a concurrent change or a duplicate (VERSION_CONFLICT, ..._ALREADY_EXISTS, FILL_ID_REUSED)',
  413: 'body above BODY_LIMIT (BODY_TOO_LARGE)',
  415: 'the body is not UTF-8 JSON',
  422: 'a business rule or a pre-trade risk check refused it, or the answer would be too large (RESPONSE_TOO_LARGE)',
  429: 'rate limit of the credential (RATE_LIMITED), with Retry-After',
  503: 'a store is unavailable, the read models have not reached minPosition in time, or the api is shutting down',
};

/** A schema as the document holds it: every named schema inside replaced by a `$ref` and listed in `components`. */
export function toDocumentSchema(schema: unknown, components: Record<string, unknown>, top = true): unknown {
  if (Array.isArray(schema)) return schema.map((s) => toDocumentSchema(s, components, false));
  if (typeof schema !== 'object' || schema === null) return schema;
  const name = nameOf(schema);
  if (name !== undefined && !top) {
    if (!(name in components)) {
      components[name] = {}; // a placeholder first: a schema may contain itself
      components[name] = toDocumentSchema(schema, components, true);
    }
    return { $ref: `#/components/schemas/${name}` };
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) out[key] = key === 'const' || key === 'enum' ? value : toDocumentSchema(value, components, false);
  return out;
}

/** A contract schema in the document: a `$ref` to components when it is named (listed there), else inline. */
function refTo(schema: Schema, components: Record<string, unknown>): unknown {
  return toDocumentSchema(schema, components, false);
}

function answer(description: string, schema: unknown) {
  return { description, content: { 'application/json': { schema } } };
}

/** OpenAPI 3.0's `nullable: true` (what @nestjs/swagger writes for request DTOs) in the 3.1 form: a "null" type. */
function nullableTo31(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(nullableTo31);
  if (typeof schema !== 'object' || schema === null) return schema;
  const { nullable, ...rest } = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) out[key] = nullableTo31(value);
  if (nullable !== true) return out;
  if (typeof out.type === 'string') return { ...out, type: [out.type, 'null'] };
  return { anyOf: [out, { type: 'null' }] };
}

/**
 * Puts the contract into a document made by @nestjs/swagger: OpenAPI 3.1, every operation's success answers with
 * their schemas and its error answers with the error schema. Returns the operations of the document the contract does
 * not know (left without responses) and those of the contract the document does not have.
 */
export function applyContract(document: OpenApiDocument): { unknown: string[]; missing: string[] } {
  const components: Record<string, unknown> = { ...(nullableTo31(document.components?.schemas ?? {}) as Record<string, unknown>) };
  const table = OPERATIONS as Record<string, Operation>;
  const seen = new Set<string>();
  const unknown: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const key = `${method.toUpperCase()} ${path}`;
      if (op.requestBody !== undefined) op.requestBody = nullableTo31(op.requestBody);
      const contract = table[key];
      if (!contract) {
        unknown.push(key);
        delete op.responses;
        continue;
      }
      seen.add(key);
      const responses: Record<string, unknown> = {};
      for (const [status, body] of Object.entries(contract.ok)) {
        if (body && 'mediaType' in body && typeof body.mediaType === 'string') {
          responses[status] = { description: String(body.description), content: { [body.mediaType]: { schema: { type: 'string' } } } };
        } else {
          responses[status] = answer(Number(status) === 201 ? 'created' : 'ok', refTo(body as Schema, components));
        }
      }
      for (const status of contract.errors) responses[String(status)] = answer(REASONS[status] ?? 'error', refTo(ErrorBody, components));
      for (const [status, body] of Object.entries(contract.otherAnswers ?? {})) responses[status] = answer(REASONS[Number(status)] ?? 'answer', refTo(body as Schema, components));
      op.responses = responses;
    }
  }
  document.openapi = '3.1.0';
  document.components = { ...(document.components ?? {}), schemas: components };
  return { unknown, missing: Object.keys(table).filter((k) => !seen.has(k)) };
}
