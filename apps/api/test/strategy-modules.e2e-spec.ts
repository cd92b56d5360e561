import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { StrategyRegistry } from '@robo/paper';
import { STRATEGY_REGISTRY } from '../src/paper/strategy-registry.module';
import { allEvents, engineOf, openPaperAccount, startPaperApp } from './paper-fixtures';
import type { TestApp } from './test-app';

/** A strategy module as a user writes it (compiled CommonJS): buys `quantity` shares once, at the first tick. */
const BUY_ONCE = `
module.exports = {
  kind: 'buy-once',
  description: 'buys once at the first tick of its instrument',
  parameterSchema: {
    type: 'object',
    properties: { instrument: { type: 'string', default: 'INFY' }, quantity: { type: 'integer', minimum: 1, default: 1 } },
    additionalProperties: false,
  },
  exampleParameters: {},
  initialState: () => ({ bought: false }),
  step(state, input, params, ctx) {
    if (state.bought || !input.ticks.some((t) => t.symbol === params.instrument)) return { state, intents: [] };
    return {
      state: { bought: true },
      intents: [{ kind: 'PLACE', clientOrderId: 'buy-once-1', accountId: ctx.accountId, instrument: params.instrument, side: 'BUY',
        quantity: params.quantity, orderType: 'MARKET', limitPricePaise: null, triggerPricePaise: null, product: 'MIS', validity: 'DAY',
        strategyId: ctx.strategyId, reason: 'buy once' }],
    };
  },
};
`;

describe('strategy modules loaded from STRATEGIES_DIR', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-strategies-'));
    fs.writeFileSync(path.join(dir, 'buy-once.js'), BUY_ONCE);
    fs.writeFileSync(path.join(dir, 'broken.js'), "throw new Error('syntax of a half-written file');\n");
    fs.writeFileSync(path.join(dir, 'no-step.cjs'), "module.exports = { kind: 'no-step', description: '', parameterSchema: { type: 'object', properties: {} }, exampleParameters: {}, initialState: () => null };\n");
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a module');
    t = await startPaperApp({ STRATEGIES_DIR: dir });
  });
  afterAll(async () => t?.close());

  it('registers the good module beside the built-in ones and leaves the bad ones out (the app starts all the same)', () => {
    const registry = t.app.get<StrategyRegistry>(STRATEGY_REGISTRY);
    expect(registry.kinds().map((k) => [k.kind, k.source])).toEqual([
      ['buy-once', path.join(dir, 'buy-once.js')],
      ['ma-crossover', 'built-in'],
      ['short-straddle', 'built-in'],
    ]);
  });

  it('validates parameters with the module\'s schema, then runs it in paper trading through the ordinary order path', async () => {
    const accountId = await openPaperAccount(t);
    const register = (parameters: Record<string, unknown>) =>
      t.api.post('/api/strategies').send({ kind: 'buy-once', name: 'once', accountId, parameters, instruments: ['INFY'], capitalAllocationPaise: 10_000_000 });
    const refused = await register({ quantity: 0 });
    expect([refused.status, refused.body.code, refused.body.message]).toEqual([400, 'STRATEGY_PARAMETERS_INVALID', 'buy-once: quantity must be >= 1']);
    const created = await register({ quantity: 3 });
    expect(created.status).toBe(201);
    const strategyId = created.body.strategyId as string;
    expect((await t.api.post(`/api/strategies/${strategyId}/activate`).send({})).status).toBe(200);
    await engineOf(t).step();
    await engineOf(t).step();
    await engineOf(t).step();
    const orders = (await allEvents(t)).filter((e) => e.type === 'OrderPlaced' || e.type === 'OrderFilled');
    expect(orders.map((e) => [e.type, (e.data as { quantity: number }).quantity])).toEqual([
      ['OrderPlaced', 3],
      ['OrderFilled', 3],
    ]);
    expect(orders[0].data).toMatchObject({ strategyId, clientOrderId: 'buy-once-1', instrument: 'INFY', side: 'BUY' });

    // A change of parameters is checked against the same schema.
    const changed = await t.api.put(`/api/strategies/${strategyId}/parameters`).send({ parameters: { quantity: 2, colour: 'red' } });
    expect([changed.status, changed.body.code, changed.body.message]).toEqual([400, 'STRATEGY_PARAMETERS_INVALID', 'buy-once: unknown parameter colour']);
    expect((await t.api.put(`/api/strategies/${strategyId}/parameters`).send({ parameters: { quantity: 2 } })).status).toBe(200);
  });
});
