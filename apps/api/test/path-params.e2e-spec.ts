import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { startTestApp, type TestApp } from './test-app';

interface Parameter {
  name: string;
  in: string;
  schema?: { type?: string; format?: string; pattern?: string; minLength?: number; maxLength?: number };
}
type Doc = { paths: Record<string, Record<string, { parameters?: Parameter[] }>> };

const METHODS = ['get', 'post', 'delete', 'put', 'patch'];
/** The codes the path pipes answer with: a refusal of the id's shape, not of anything else in the request. */
const SHAPE_CODES = new Set(['INVALID_ID', 'INVALID_KEY_ID']);

/** A value the documented schema allows, generated from it (format or pattern), else null. */
function validValue(schema: Parameter['schema']): string | null {
  if (schema?.format === 'uuid') return randomUUID();
  if (schema?.pattern) return fc.sample(fc.stringMatching(new RegExp(schema.pattern)), { numRuns: 1, seed: 42 })[0]!;
  if (schema?.maxLength !== undefined) return 'c'.repeat(schema.maxLength);
  return null;
}

/** A value the documented schema refuses. */
function invalidValue(schema: Parameter['schema']): string {
  return schema?.maxLength !== undefined ? 'c'.repeat(schema.maxLength + 1) : 'not-an-id!';
}

describe('path parameters in the OpenAPI document are as strict as their validation', () => {
  let t: TestApp;
  let doc: Doc;
  beforeAll(async () => {
    t = await startTestApp();
    doc = (await t.api.get('/docs-json')).body as Doc;
  });
  afterAll(() => t.close());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((method) => ({ method, path, params: (item[method]!.parameters ?? []).filter((p) => p.in === 'path') })),
    );

  it('documents every id in a path with the format or pattern its pipe checks', () => {
    const ids = operations().flatMap((op) => op.params.filter((p) => /(^id$|Id$|^kid$)/.test(p.name)).map((p) => ({ at: `${op.method} ${op.path} {${p.name}}`, schema: p.schema })));
    expect(ids.length).toBeGreaterThan(30);
    expect(ids.filter((p) => !p.schema?.format && !p.schema?.pattern && p.schema?.maxLength === undefined)).toEqual([]);
  });

  it('lets through values generated from the documented schema and refuses others with 400, route by route', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const op of operations()) {
      for (const param of op.params) {
        const valid = validValue(param.schema);
        if (valid === null) continue;
        const url = (value: string) =>
          op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
            if (name === param.name) return encodeURIComponent(value);
            const other = op.params.find((p) => p.name === name);
            return encodeURIComponent(validValue(other?.schema) ?? 'x');
          });
        const send = (value: string) => (t.api as unknown as Record<string, (u: string) => { send(b: unknown): Promise<{ status: number; body: { code?: string } }> }>)[op.method]!(url(value)).send({});
        const good = await send(valid);
        if (good.status === 400 && SHAPE_CODES.has(good.body.code ?? '')) mismatches.push(`${op.method} ${op.path}: ${param.name}=${valid} (documented) refused ${good.body.code}`);
        const invalid = invalidValue(param.schema);
        const bad = await send(invalid);
        if (bad.status !== 400) mismatches.push(`${op.method} ${op.path}: ${param.name}=${invalid.slice(0, 20)} answered ${bad.status}`);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(30);
    expect(mismatches).toEqual([]);
  });
});
