/**
 * A few builders for JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) that also carry the TypeScript type of
 * what they describe: `Static<typeof X>` is the type, `X` itself is a plain JSON Schema object. One definition gives
 * the server's OpenAPI document, the dashboard's types and the schema the contract tests validate real answers with.
 * No dependency: the phantom type lives in an optional symbol-keyed property that is never set at run time.
 */

declare const STATIC: unique symbol;

/** A JSON Schema object describing values of type T. */
export type Schema<T = unknown> = { readonly [STATIC]?: T } & { readonly [keyword: string]: unknown };

export type Static<S> = S extends { readonly [STATIC]?: infer T } ? T : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type Props = Record<string, Schema>;

/** Required keys are all but the listed optional ones. */
export type ObjectOf<P extends Props, O extends keyof P> = Simplify<{ [K in Exclude<keyof P, O>]: Static<P[K]> } & { [K in O]?: Static<P[K]> }>;

interface Annotations {
  description?: string;
  examples?: unknown[];
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
}

const names = new WeakMap<object, string>();

/** The component name of a schema given one (the OpenAPI document refers to it by `$ref`). */
export function nameOf(schema: object): string | undefined {
  return names.get(schema);
}

function make<T>(schema: Record<string, unknown>): Schema<T> {
  return schema as Schema<T>;
}

export const t = {
  string: <S extends string = string>(a: Annotations = {}) => make<S>({ type: 'string', ...a }),
  /** An ISO 8601 instant as the api writes it (an offset or Z). */
  instant: (a: Annotations = {}) => make<string>({ type: 'string', format: 'date-time', ...a }),
  /** A calendar date, `YYYY-MM-DD` (IST). */
  date: (a: Annotations = {}) => make<string>({ type: 'string', format: 'date', ...a }),
  uuid: (a: Annotations = {}) => make<string>({ type: 'string', format: 'uuid', ...a }),
  integer: (a: Annotations = {}) => make<number>({ type: 'integer', ...a }),
  /** Integer paise. */
  paise: (a: Annotations = {}) => make<number>({ type: 'integer', ...a, description: a.description ?? 'integer paise' }),
  number: (a: Annotations = {}) => make<number>({ type: 'number', ...a }),
  boolean: (a: Annotations = {}) => make<boolean>({ type: 'boolean', ...a }),
  literal: <const V extends string | number | boolean>(value: V, a: Annotations = {}) => make<V>({ const: value, ...a }),
  enum: <const V extends readonly (string | number)[]>(values: V, a: Annotations = {}) => make<V[number]>({ enum: [...values], ...a }),
  /** Anything JSON (event data, free-form parameters). */
  unknown: (a: Annotations = {}) => make<unknown>({ ...a }),
  array: <S extends Schema>(items: S, a: Annotations = {}) => make<Static<S>[]>({ type: 'array', items, ...a }),
  /** An object with exactly these properties (no others), all required but the listed optional ones. */
  object: <P extends Props, O extends keyof P = never>(properties: P, optional: readonly O[] = [], a: Annotations = {}) =>
    make<ObjectOf<P, O>>({
      type: 'object',
      properties,
      required: Object.keys(properties).filter((k) => !optional.includes(k as O)),
      additionalProperties: false,
      ...a,
    }),
  /** An object with at least these properties: for operational answers whose other fields may grow. */
  openObject: <P extends Props, O extends keyof P = never>(properties: P, optional: readonly O[] = [], a: Annotations = {}) =>
    make<ObjectOf<P, O>>({
      type: 'object',
      properties,
      required: Object.keys(properties).filter((k) => !optional.includes(k as O)),
      ...a,
    }),
  /** An object keyed by arbitrary strings (instruments, dates), every value of one schema. */
  record: <S extends Schema>(values: S, a: Annotations = {}) => make<Record<string, Static<S>>>({ type: 'object', additionalProperties: values, ...a }),
  /** A free-form JSON object. */
  anyObject: (a: Annotations = {}) => make<Record<string, unknown>>({ type: 'object', ...a }),
  nullable: <S extends Schema>(schema: S) => make<Static<S> | null>({ anyOf: [schema, { type: 'null' }] }),
  union: <const S extends readonly Schema[]>(schemas: S, a: Annotations = {}) => make<Static<S[number]>>({ anyOf: [...schemas], ...a }),
  /** A reference to a named schema by its name: for a schema that contains itself (a tree). */
  ref: <T>(name: string) => make<T>({ $ref: `#/components/schemas/${name}` }),
  /** Names a schema: the OpenAPI document lists it under components.schemas and refers to it by `$ref`. */
  named: <S extends Schema>(name: string, schema: S, description?: string): S => {
    const named = (description ? { ...schema, description } : schema) as S;
    names.set(named, name);
    return named;
  },
};
