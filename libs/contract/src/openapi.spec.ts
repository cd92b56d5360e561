import { applyContract, toDocumentSchema, type OpenApiDocument } from './openapi';
import { t, type Static } from './schema';

describe('the contract in an OpenAPI document', () => {
  const Leaf = t.named('Leaf', t.object({ id: t.string(), size: t.nullable(t.integer()) }, ['size']));

  it('lists named schemas under components and refers to them; a schema that contains itself too', () => {
    const components: Record<string, unknown> = {};
    const tree = t.named('Tree', t.object({ leaf: Leaf, children: t.array(t.ref('Tree')) }));
    expect(toDocumentSchema({ wrap: tree }, components)).toEqual({ wrap: { $ref: '#/components/schemas/Tree' } });
    expect(components.Leaf).toEqual({
      type: 'object',
      properties: { id: { type: 'string' }, size: { anyOf: [{ type: 'integer' }, { type: 'null' }] } },
      required: ['id'],
      additionalProperties: false,
    });
    expect(components.Tree).toMatchObject({ properties: { leaf: { $ref: '#/components/schemas/Leaf' }, children: { items: { $ref: '#/components/schemas/Tree' } } } });
  });

  it('derives the type: required and optional keys, nullable values', () => {
    const leaf: Static<typeof Leaf> = { id: 'a' };
    const sized: Static<typeof Leaf> = { id: 'b', size: null };
    // @ts-expect-error id is required
    const missing: Static<typeof Leaf> = { size: 1 };
    expect([leaf, sized, missing].length).toBe(3);
  });

  it('gives every known operation its answers and errors, names the unknown ones, and turns nullable into 3.1 form', () => {
    const document: OpenApiDocument = {
      openapi: '3.0.0',
      paths: {
        '/api/orders/{id}': { get: { responses: { 200: { description: '' } } } },
        '/api/nowhere': { get: { responses: { 200: { description: '' } } } },
      },
      components: { schemas: { SomeDto: { type: 'object', properties: { n: { type: 'integer', nullable: true } } } } },
    };
    const { unknown, missing } = applyContract(document);
    expect(unknown).toEqual(['GET /api/nowhere']);
    expect(missing).toContain('GET /api/orders');
    expect(document.openapi).toBe('3.1.0');
    const responses = document.paths['/api/orders/{id}'].get.responses as Record<string, { content: { 'application/json': { schema: unknown } } }>;
    expect(responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Order' });
    expect(responses['404'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(document.paths['/api/nowhere'].get.responses).toBeUndefined();
    expect(document.components?.schemas?.SomeDto).toEqual({ type: 'object', properties: { n: { type: ['integer', 'null'] } } });
    expect(document.components?.schemas?.Order).toMatchObject({ required: expect.arrayContaining(['orderId', 'status', 'fills']) });
  });
});
