import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { OPERATIONS } from '@robo/contract';
import { seedContractApp, type Seeded } from './contract-fixture';

type Responses = Record<string, { content?: Record<string, { schema?: unknown }> }>;
interface Doc {
  openapi: string;
  paths: Record<string, Record<string, { responses?: Responses }>>;
  components: { schemas: Record<string, unknown> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const operationsOf = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, item]) => METHODS.filter((m) => item[m] !== undefined).map((m) => ({ key: `${m.toUpperCase()} ${path}`, op: item[m]! })));

/** What a document answer must be: JSON (or another media type) with a schema. */
const jsonSchemaOf = (responses: Responses, status: string) => responses[status]?.content?.['application/json']?.schema;

describe('the published OpenAPI document is the contract, and the api keeps to it', () => {
  let s: Seeded;
  let doc: Doc;
  let ajv: Ajv2020;
  const validators = new Map<string, ValidateFunction>();

  /** Checks an answer against the document: its status is documented for the operation and its body fits the schema. */
  function conforms(key: string, res: { status: number; body: unknown }): void {
    const [method, path] = key.split(' ');
    const responses = doc.paths[path]?.[method.toLowerCase()]?.responses;
    if (!responses) throw new Error(`${key} is not in the document`);
    const status = String(res.status);
    if (!responses[status]) throw new Error(`${key} answered ${status}, which the document does not list (${Object.keys(responses).join(', ')}): ${JSON.stringify(res.body).slice(0, 300)}`);
    const schema = jsonSchemaOf(responses, status);
    if (schema === undefined) return; // not JSON (metrics' text)
    const id = `${key} ${status}`;
    let validate = validators.get(id);
    if (!validate) {
      validate = ajv.compile({ $ref: `robo:openapi#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema` });
      validators.set(id, validate);
    }
    if (!validate(res.body)) throw new Error(`${key} ${status}: the body does not fit the schema: ${ajv.errorsText(validate.errors, { separator: '\n' })}\n${JSON.stringify(res.body).slice(0, 500)}`);
  }

  beforeAll(async () => {
    s = await seedContractApp();
    doc = (await request(s.t.server).get('/docs-json')).body as Doc;
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...doc, $id: 'robo:openapi' });
  });
  afterAll(async () => s?.t.close());

  it('is OpenAPI 3.1 with a 2xx schema and the {code, message} errors of every operation, all from the contract', () => {
    expect(doc.openapi).toBe('3.1.0');
    const problems: string[] = [];
    for (const { key, op } of operationsOf(doc)) {
      const responses = op.responses ?? {};
      const ok = Object.keys(responses).filter((st) => /^2\d\d$/.test(st));
      if (ok.length === 0) problems.push(`${key}: no 2xx response`);
      for (const st of ok) if (!responses[st]?.content || Object.values(responses[st].content!).some((c) => c.schema === undefined)) problems.push(`${key}: ${st} has no schema`);
      const errors = Object.keys(responses).filter((st) => /^[45]\d\d$/.test(st));
      if (errors.length === 0) problems.push(`${key}: no error responses`);
      const authed = !key.startsWith('GET /health') && key !== 'POST /auth/token';
      if (authed && !errors.includes('401')) problems.push(`${key}: does not document 401`);
      for (const st of errors) {
        const schema = jsonSchemaOf(responses, st) as { $ref?: string } | undefined;
        if (key !== 'GET /health/ready' && schema?.$ref !== '#/components/schemas/Error') problems.push(`${key}: ${st} is not the error schema`);
      }
    }
    const published = new Set(operationsOf(doc).map((o) => o.key));
    for (const key of Object.keys(OPERATIONS)) if (!published.has(key)) problems.push(`${key}: in the contract, not served`);
    expect(problems).toEqual([]);
    expect(doc.components.schemas.Error).toMatchObject({ required: ['code', 'message'] });
  });

  it("takes the request bodies the contract describes: the same fields, the same required ones", () => {
    const problems: string[] = [];
    const resolve = (schema: unknown): { properties?: Record<string, unknown>; required?: string[] } | undefined => {
      const ref = (schema as { $ref?: string } | undefined)?.$ref;
      return ref ? (doc.components.schemas[ref.split('/').pop()!] as never) : (schema as never);
    };
    for (const { key, op } of operationsOf(doc)) {
      const contract = (OPERATIONS as unknown as Record<string, { request?: { properties: Record<string, unknown>; required: string[] } }>)[key]?.request;
      const body = resolve((op as { requestBody?: { content?: Record<string, { schema?: unknown }> } }).requestBody?.content?.['application/json']?.schema);
      if (!contract && !body) continue;
      if (!contract || !body) {
        problems.push(`${key}: a request body in ${contract ? 'the contract only' : 'the server only'}`);
        continue;
      }
      const fields = (o: object | undefined) => Object.keys(o ?? {}).sort();
      if (fields(body.properties).join() !== fields(contract.properties).join()) problems.push(`${key}: fields ${fields(body.properties)} served, ${fields(contract.properties)} in the contract`);
      if ([...(body.required ?? [])].sort().join() !== [...contract.required].sort().join()) problems.push(`${key}: required ${body.required ?? []} served, ${contract.required} in the contract`);
    }
    expect(problems).toEqual([]);
  });

  it('answers every read operation of the document as it says, and the main commands too', async () => {
    const { t, accountId, strategyId, buyId, correlationId, lastPosition } = s;
    const mp = `minPosition=${lastPosition}`;
    const asOf = encodeURIComponent('2026-11-20T10:03:00+05:30');
    const kid = t.admin.kid;
    const NO_RUN = '00000000-0000-4000-8000-000000000000';
    // One request per read operation (a path template filled in); the list is checked against the document below.
    const reads: Record<string, string> = {
      'GET /auth/me': '/auth/me',
      'GET /health/live': '/health/live',
      'GET /health/ready': '/health/ready',
      'GET /metrics': '/metrics',
      'GET /api/accounts': `/api/accounts?q=${encodeURIComponent('a')}&limit=5`,
      'GET /api/accounts/{id}': `/api/accounts/${accountId}?${mp}`,
      'GET /api/accounts/{id}/positions': `/api/accounts/${accountId}/positions?${mp}`,
      'GET /api/accounts/{id}/portfolio': `/api/accounts/${accountId}/portfolio?${mp}`,
      'GET /api/accounts/{id}/performance': `/api/accounts/${accountId}/performance?${mp}`,
      'GET /api/orders': `/api/orders?${mp}`,
      'GET /api/orders/{id}': `/api/orders/${buyId}?${mp}`,
      'GET /api/backtests': '/api/backtests',
      // This app has run no backtest: a run's reads answer the documented 404 BACKTEST_NOT_FOUND.
      ...Object.fromEntries(
        ['', '/audit', '/equity', '/lineage?figure=cash', '/portfolio', '/streams/order-x/events', '/trades'].map((tail) => [
          `GET /api/backtests/{runId}${tail.split('?')[0].replace('/order-x/', '/{stream}/')}`,
          `/api/backtests/${NO_RUN}${tail}`,
        ]),
      ),
      'GET /api/backtests/{runId}/audit/correlations/{correlationId}': `/api/backtests/${NO_RUN}/audit/correlations/c1`,
      // No Kite app is configured here: the session and reconciliation reads answer their documented 404.
      'GET /api/brokers/kite/session': '/api/brokers/kite/session',
      'GET /api/brokers/kite/reconciliation': '/api/brokers/kite/reconciliation',
      'GET /api/strategies': `/api/strategies?${mp}`,
      'GET /api/strategies/{id}': `/api/strategies/${strategyId}`,
      'GET /api/strategies/{id}/performance': `/api/strategies/${strategyId}/performance?${mp}`,
      // The seeded strategy trades no derivatives: its basket answers the documented 404 BASKET_NOT_FOUND.
      'GET /api/strategies/{id}/basket': `/api/strategies/${strategyId}/basket`,
      'GET /api/accounts/{id}/statement': `/api/accounts/${accountId}/statement?from=2026-11-20&to=2026-11-20&${mp}`,
      'GET /api/accounts/{id}/exports/{kind}': `/api/accounts/${accountId}/exports/fills?from=2026-11-20&to=2026-11-20&${mp}`,
      'GET /api/streams/{stream}/events': `/api/streams/order-${buyId}/events`,
      'GET /api/streams/{stream}/state': `/api/streams/order-${buyId}/state?steps=true`,
      'GET /api/audit': `/api/audit?limit=50&${mp}`,
      'GET /api/audit/correlations/{id}': `/api/audit/correlations/${correlationId}?${mp}`,
      'GET /api/lineage': `/api/lineage?accountId=${accountId}&figure=realized:INFY`,
      'GET /api/market/quotes': '/api/market/quotes?symbols=INFY,NIFTY',
      'GET /api/market/option-chain': '/api/market/option-chain?strikes=2',
      'GET /api/projections': '/api/projections',
      'GET /api/projections/dead-letters': '/api/projections/dead-letters',
      'GET /api/admin/keys': '/api/admin/keys',
      'GET /api/admin/keys/{kid}': `/api/admin/keys/${kid}`,
      'GET /api/analyst/status': '/api/analyst/status',
      // The analyst is off in this app: its reads answer the documented 503 ANALYST_DISABLED.
      'GET /api/analyst/proposals': '/api/analyst/proposals',
      'GET /api/analyst/proposals/{id}': '/api/analyst/proposals/00000000-0000-4000-8000-000000000000',
    };
    const documentedReads = operationsOf(doc).filter((o) => o.key.startsWith('GET ')).map((o) => o.key).sort();
    expect(Object.keys(reads).sort()).toEqual(documentedReads);

    const answered: Record<string, number> = {};
    for (const [key, url] of Object.entries(reads)) {
      const res = await t.api.get(url);
      conforms(key, res);
      answered[key] = res.status;
    }
    // Every read answered with success, but the analyst's (disabled) and readiness is ready.
    // A backtest run's reads, the Kite session and the Kite reconciliation answer their documented 404 here (no run,
    // no Kite app); the run's successful answers are tested for their values in backtest-runs.e2e-spec.ts, the
    // reconciliation's in kite-reconciliation.e2e-spec.ts (checked against its schema below).
    const absent = (key: string) => key.startsWith('GET /api/backtests/{runId}') || key.startsWith('GET /api/brokers/kite/');
    const failed = Object.entries(answered).filter(([key, st]) => st >= 300 && !key.startsWith('GET /api/analyst/proposals') && key !== 'GET /api/strategies/{id}/basket' && !absent(key));
    expect(failed).toEqual([]);
    expect(Object.entries(answered).filter(([key]) => absent(key)).filter(([, st]) => st !== 404)).toEqual([]);

    // Variants of the answers that hold other optional parts: the as-of portfolio, a page with a cursor.
    conforms('GET /api/accounts/{id}/portfolio', await t.api.get(`/api/accounts/${accountId}/portfolio?asOf=${asOf}&time=business`));
    conforms('GET /api/streams/{stream}/state', await t.api.get(`/api/streams/account-${accountId}/state?asOf=${asOf}`));
    conforms('GET /api/accounts/{id}/performance', await t.api.get(`/api/accounts/${accountId}/performance?period=day`));
    const firstPage = await t.api.get('/api/audit?limit=2');
    expect(firstPage.body.nextCursor).toEqual(expect.any(String));
    conforms('GET /api/audit', firstPage);

    // The commands the seed made, as they answered.
    for (const [key, res] of Object.entries(s.responses)) conforms(key, res);
    const viewer = await t.createKey('viewer', [accountId]);
    const more: [string, { status: number; body: unknown }][] = [
      ['POST /api/orders/{id}/cancel', await t.api.post(`/api/orders/${s.openId}/cancel`).send({ reason: 'contract test' })],
      ['POST /api/orders/{id}/fills', await t.api.post(`/api/orders/${buyId}/fills`).send({ fillId: 'F-1', quantity: 10, pricePaise: 150_000, occurredAt: '2026-11-20T10:01:00+05:30' })],
      ['POST /api/strategies/{id}/activate', await t.api.post(`/api/strategies/${strategyId}/activate`).send({})],
      ['POST /api/strategies/{id}/pause', await t.api.post(`/api/strategies/${strategyId}/pause`).send({ reason: 'lunch' })],
      ['PUT /api/strategies/{id}/parameters', await t.api.put(`/api/strategies/${strategyId}/parameters`).send({ parameters: { instrument: 'INFY', fastPeriod: 5, slowPeriod: 30 } })],
      ['POST /api/accounts/{id}/halt', await t.api.post(`/api/accounts/${accountId}/halt`).send({ reason: 'contract test' })],
      ['POST /api/accounts/{id}/resume', await t.api.post(`/api/accounts/${accountId}/resume`).send({})],
      ['POST /api/accounts/{id}/broker', await t.api.post(`/api/accounts/${accountId}/broker`).send({ broker: 'paper' })],
      ['POST /auth/token', await request(t.server).post('/auth/token').send({ apiKey: viewer.apiKey })],
      ['POST /api/admin/keys/{kid}/grants', await t.api.post(`/api/admin/keys/${viewer.kid}/grants`).send({ accountId })],
      ['POST /api/projections/{name}/rebuild', await t.api.post('/api/projections/orders/rebuild').send({ verifyOnly: true })],
      // Refusals: each with its documented status and the error schema.
      ['GET /api/orders/{id}', await t.api.get('/api/orders/00000000-0000-4000-8000-000000000000')],
      ['GET /api/orders/{id}', await t.api.get('/api/orders/not-an-id')],
      ['GET /api/accounts/{id}', await request(t.server).get(`/api/accounts/${accountId}`)],
      ['POST /api/orders', await t.as(viewer.token).post('/api/orders').send({ accountId, instrument: 'INFY', side: 'BUY', quantity: 1, type: 'MARKET', product: 'CNC', validity: 'DAY' })],
      ['POST /api/orders', await t.api.post('/api/orders').send({ accountId, instrument: 'INFY', side: 'BUY', quantity: 1_000, type: 'LIMIT', limitPricePaise: 150_000, product: 'CNC', validity: 'DAY' })],
      ['POST /api/orders', await t.api.post('/api/orders').send({ accountId, instrument: 'INFY', side: 'BUY', quantity: 1 })],
      ['POST /api/accounts/{id}/withdrawals', await t.api.post(`/api/accounts/${accountId}/withdrawals`).send({ amountPaise: 10_000_000_000 })],
      ['GET /api/accounts/{id}/portfolio', await t.api.get(`/api/accounts/${accountId}/portfolio?minPosition=99999999`)],
    ];
    for (const [key, res] of more) conforms(key, res);
    expect(more.map(([, res]) => res.status)).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 404, 400, 401, 403, 422, 400, 422, 400]);
  });

  it('lists each strategy with its summary statistics: net P&L, trades, win rate, drawdown, Sharpe and why one is missing', async () => {
    const { t, strategyId, lastPosition } = s;
    const listed = await t.api.get(`/api/strategies?minPosition=${lastPosition}`);
    conforms('GET /api/strategies', listed);
    const performance = await t.api.get(`/api/strategies/${strategyId}/performance?minPosition=${lastPosition}`);
    const item = (listed.body.items as { strategyId: string; statistics: Record<string, unknown> }[]).find((i) => i.strategyId === strategyId);
    const st = performance.body.statistics;
    // The same figures as the strategy's performance endpoint: one trade of 10 INFY bought at 1,500 and sold at 1,510.
    expect(item?.statistics).toEqual({
      netPnlPaise: st.netPnlPaise,
      tradeCount: 1,
      winRate: 1,
      maxDrawdownPaise: st.maxDrawdownPaise,
      maxDrawdown: st.maxDrawdown,
      sharpe: null,
      notes: performance.body.notes,
    });
    expect(st.netPnlPaise).toBeGreaterThan(0);
    expect(item?.statistics.notes).toEqual(expect.arrayContaining([expect.stringMatching(/sharpe|volatility/i)]));
  });
});
