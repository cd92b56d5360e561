import type { AnalystQueries, AuditFilters, OrderFilters, PerformanceScope } from '../analyst-queries.port';
import { checkInput } from './input-schema';
import { ANALYST_TOOLS, TOOL_NAMES, TOOL_SPECS } from './tool-definitions';
import { runTool, type ProposeOrderInput, type ToolEnvironment } from './tool-runner';

/** A fixed in-memory port: the data is the point here, not the storage. */
function memoryQueries(calls: unknown[][]): AnalystQueries {
  return {
    portfolio: async (accountId) => (accountId === 'a1' ? { accountId, cashPaise: 97_498_900, lastEventPosition: 20 } : null),
    portfolioAsOf: async (accountId, asOf, time) => ({ accountId, asOf, time, sources: [] }),
    positions: async (accountId) => [{ accountId, instrument: 'RELIANCE', lastEventPosition: 14 }],
    orders: async (accountId, filters: OrderFilters) => {
      calls.push(['orders', accountId, filters]);
      return { items: [], more: false };
    },
    performance: async (scope: PerformanceScope) => {
      calls.push(['performance', scope]);
      return { scope, lastEventPosition: null };
    },
    audit: async (filters: AuditFilters) => {
      calls.push(['audit', filters]);
      return { items: [], more: false };
    },
    lineage: async () => {
      throw Object.assign(new Error('unknown figure "x"'), { code: 'UNKNOWN_FIGURE' });
    },
  };
}

function env(scopeAccount: string | null, calls: unknown[][] = [], proposed: ProposeOrderInput[] = []): ToolEnvironment {
  return {
    queries: memoryQueries(calls),
    ctx: { askId: 'ask-1', actor: 'user:asha', correlationId: 'c-1' },
    scope: { accountId: scopeAccount, strategyId: null },
    propose: async (input) => {
      proposed.push(input);
      return { proposalId: 'p-1' };
    },
  };
}

describe('tool definitions', () => {
  it('offers one tool per query plus propose_order, each with an object schema that lists its required fields', () => {
    expect(TOOL_NAMES).toEqual(['get_portfolio', 'get_portfolio_as_of', 'get_positions', 'get_orders', 'get_performance', 'search_audit', 'explain_figure', 'propose_order']);
    for (const tool of ANALYST_TOOLS) {
      expect(tool.input_schema.type).toBe('object');
      for (const field of tool.input_schema.required ?? []) expect(Object.keys(tool.input_schema.properties as object)).toContain(field);
    }
  });

  it('checks input against the schema it sends: defaults, trimming, every problem listed', () => {
    expect(checkInput(TOOL_SPECS.get_orders.schema, { accountId: ' a1 ' })).toEqual({ ok: true, value: { accountId: 'a1', limit: 20 } });
    const bad = checkInput(TOOL_SPECS.propose_order.schema, { accountId: 'a1', side: 'HOLD', quantity: 0, extra: 1 });
    expect(bad.ok).toBe(false);
    expect(bad.ok ? [] : bad.problems).toEqual([
      'unknown property "extra"',
      '"instrument" is required',
      '"side" must be one of BUY, SELL',
      '"quantity" must be from 1 to 10000000',
      '"type" is required',
      '"product" is required',
      '"validity" is required',
      '"rationale" is required',
    ]);
    expect(checkInput(TOOL_SPECS.get_portfolio.schema, 'a1')).toEqual({ ok: false, problems: ['input must be a JSON object'] });
  });
});

describe('runTool', () => {
  it('runs a query and returns its document', async () => {
    expect(await runTool('get_portfolio', { accountId: 'a1' }, env('a1'))).toEqual({ ok: true, value: { accountId: 'a1', cashPaise: 97_498_900, lastEventPosition: 20 } });
    expect(await runTool('get_portfolio', { accountId: 'zz' }, env(null))).toEqual({ ok: false, code: 'ACCOUNT_NOT_FOUND', message: 'account zz does not exist' });
  });

  it('holds every tool to the question account, narrowing an audit search to it', async () => {
    const calls: unknown[][] = [];
    expect(await runTool('get_positions', { accountId: 'b2' }, env('a1', calls))).toMatchObject({ ok: false, code: 'TOOL_OUT_OF_SCOPE' });
    expect(await runTool('search_audit', { type: 'OrderFilled' }, env('a1', calls))).toMatchObject({ ok: true });
    expect(await runTool('search_audit', { accountId: 'b2' }, env('a1', calls))).toMatchObject({ ok: false, code: 'TOOL_OUT_OF_SCOPE' });
    expect(calls).toEqual([['audit', { accountId: 'a1', type: 'OrderFilled', limit: 20 }]]);
    expect(await runTool('search_audit', { accountId: 'b2' }, env(null, calls))).toMatchObject({ ok: true });
  });

  it('asks for exactly one performance scope', async () => {
    const calls: unknown[][] = [];
    expect(await runTool('get_performance', {}, env(null, calls))).toMatchObject({ ok: false, code: 'TOOL_INPUT_INVALID' });
    expect(await runTool('get_performance', { accountId: 'a1', strategyId: 's1' }, env(null, calls))).toMatchObject({ ok: false, code: 'TOOL_INPUT_INVALID' });
    expect(await runTool('get_performance', { strategyId: 's1' }, env('a1', calls))).toMatchObject({ ok: true });
    expect(calls).toEqual([['performance', { strategyId: 's1' }]]);
  });

  it('passes a proposal on with prices absent as null, and never lets an error escape', async () => {
    const proposed: ProposeOrderInput[] = [];
    const input = { accountId: 'a1', instrument: 'INFY', side: 'BUY', quantity: 5, type: 'MARKET', product: 'CNC', validity: 'DAY', rationale: 'cheap [event:3]' };
    expect(await runTool('propose_order', input, env('a1', [], proposed))).toEqual({ ok: true, value: { proposalId: 'p-1' } });
    expect(proposed).toEqual([{ ...input, limitPricePaise: null, triggerPricePaise: null, strategyId: null, citations: [] }]);
    expect(await runTool('explain_figure', { accountId: 'a1', figure: 'cash' }, env('a1'))).toEqual({ ok: false, code: 'UNKNOWN_FIGURE', message: 'unknown figure "x"' });
    const broken = env('a1');
    broken.queries.positions = async () => {
      throw new Error('SQLITE_CORRUPT at /var/data/read-models.db');
    };
    expect(await runTool('get_positions', { accountId: 'a1' }, broken)).toEqual({ ok: false, code: 'TOOL_FAILED', message: 'the tool failed; try a different query' });
    broken.queries.positions = async () => {
      throw Object.assign(new Error('disk'), { code: 'STORE_UNAVAILABLE' });
    };
    expect(await runTool('get_positions', { accountId: 'a1' }, broken)).toMatchObject({ ok: false, code: 'TOOL_UNAVAILABLE' });
  });
});
