import type { DomainError, JsonObject } from '@robo/domain';
import { calendar, catalog } from '../testing/paper-fixtures';
import { maCrossoverStrategy } from './ma-crossover';
import type { StrategyDefinition, StrategyStepInput } from './strategy';
import { builtInRegistry } from './strategy-kinds';
import { StrategyRegistrationError, StrategyRegistry } from './strategy-registry';

const market = { catalog, calendar, quote: () => null };

/** A strategy that buys one share of INFY at its first bar: the smallest valid module. */
const buyOnce: StrategyDefinition<{ quantity: number }, { bought: boolean }> = {
  kind: 'buy-once',
  description: 'buys once',
  parameterSchema: { type: 'object', properties: { quantity: { type: 'integer', minimum: 1, default: 1 } }, additionalProperties: false },
  exampleParameters: {},
  initialState: () => ({ bought: false }),
  step: (state) => ({ state, intents: [] }),
};

function refusal(candidate: unknown): string {
  try {
    new StrategyRegistry(market).register(candidate, '/tmp/strategies/bad.js');
  } catch (error) {
    expect(error).toBeInstanceOf(StrategyRegistrationError);
    expect((error as Error).message).toContain('/tmp/strategies/bad.js');
    return (error as StrategyRegistrationError).problem;
  }
  throw new Error('registered');
}

function parseError(registry: StrategyRegistry, kind: string, raw: JsonObject): DomainError {
  try {
    registry.parse(kind, raw);
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('accepted');
}

describe('strategy registry', () => {
  it('registers a valid module and fills in the schema defaults of its parameters', () => {
    const registry = new StrategyRegistry(market);
    registry.register(buyOnce, 'test');
    expect(registry.get('buy-once')).toBe(buyOnce);
    expect(registry.parse('buy-once', {})).toEqual({ quantity: 1 });
    expect(registry.kinds().map((k) => [k.kind, k.source])).toEqual([['buy-once', 'test']]);
  });

  it('refuses parameters the schema refuses, naming each problem, and leaves the caller\'s object untouched', () => {
    const registry = new StrategyRegistry(market);
    registry.register(buyOnce, 'test');
    const raw = { quantity: 0, colour: 'red' };
    const error = parseError(registry, 'buy-once', raw);
    expect(error.code).toBe('STRATEGY_PARAMETERS_INVALID');
    expect(error.details?.problems).toEqual(['unknown parameter colour', 'quantity must be >= 1']);
    expect(raw).toEqual({ quantity: 0, colour: 'red' });
  });

  it.each([
    ['not an object', 42, 'does not export a strategy definition'],
    ['a bad kind', { ...buyOnce, kind: 'Buy Once' }, 'kind must be'],
    ['no step', { ...buyOnce, step: undefined }, 'step must be a function'],
    ['a schema that is not an object schema', { ...buyOnce, parameterSchema: { type: 'array' } }, 'parameterSchema must be'],
    ['an invalid JSON Schema', { ...buyOnce, parameterSchema: { type: 'object', properties: { n: { type: 'integer', minimum: 'one' } } } }, 'not a valid JSON Schema'],
    ['example parameters the schema refuses', { ...buyOnce, exampleParameters: { quantity: -1 } }, 'the dry call with exampleParameters failed: buy-once: quantity must be >= 1'],
    ['a step that throws', { ...buyOnce, step: () => { throw new Error('boom'); } }, 'the dry call with exampleParameters failed: boom'],
    ['a step that returns no intents array', { ...buyOnce, step: (s: unknown) => ({ state: s }) }, 'step must return { state, intents: [] }'],
  ])('refuses a module with %s, naming its file', (_name, candidate, problem) => {
    expect(refusal(candidate)).toContain(problem);
  });

  it('checks string formats a schema names (ajv-formats)', () => {
    const registry = new StrategyRegistry(market);
    registry.register({ ...buyOnce, kind: 'dated', parameterSchema: { type: 'object', properties: { until: { type: 'string', format: 'date', default: '2026-12-31' } } } }, 'test');
    expect(registry.parse('dated', {})).toEqual({ until: '2026-12-31' });
    expect(parseError(registry, 'dated', { until: '31/12/2026' }).details?.problems).toEqual(['until must match format "date"']);
  });

  it('refuses a second module of a kind already registered', () => {
    const registry = builtInRegistry(market);
    expect(() => registry.register({ ...buyOnce, kind: 'ma-crossover' }, '/s/ma.js')).toThrow('kind ma-crossover is already registered (from built-in)');
  });

  it('the dry call gives the module an empty step at a fixed instant', () => {
    const seen: StrategyStepInput[] = [];
    new StrategyRegistry(market).register({ ...buyOnce, step: (state: unknown, input: StrategyStepInput) => (seen.push(input), { state, intents: [] }) }, 'test');
    expect(seen.map((i) => [i.now, i.bars.length, i.fills.length])).toEqual([['2026-01-05T04:30:00.000Z', 0, 0]]);
  });

  it('the built-in samples are modules: their schemas and cross-field checks both apply', () => {
    const registry = builtInRegistry(market);
    expect(registry.kinds().map((k) => k.kind)).toEqual(['ma-crossover', 'short-straddle']);
    expect(registry.parse('ma-crossover', { instrument: 'INFY', fastPeriod: 5, slowPeriod: 20 })).toEqual({ instrument: 'INFY', fastPeriod: 5, slowPeriod: 20, barSeconds: 60, product: 'MIS', allowShort: false });
    expect(parseError(registry, 'ma-crossover', { instrument: 'INFY', fastPeriod: 5 }).details?.problems).toEqual(['slowPeriod is required']);
    expect(parseError(registry, 'ma-crossover', { instrument: 'INFY', fastPeriod: 20, slowPeriod: 5 }).message).toContain('fastPeriod must be smaller than slowPeriod');
    expect(parseError(registry, 'short-straddle', { lots: 0 }).details?.problems).toEqual(['lots must be >= 1']);
    expect(() => registry.validate('recorded-only', { anything: 1 })).not.toThrow();
  });
});

describe('the moving-average module', () => {
  it('acts on the bars of its instrument only, through maCrossoverOnBar', () => {
    const params = { instrument: 'INFY', fastPeriod: 1, slowPeriod: 2, barSeconds: 60, product: 'MIS' as const, allowShort: false };
    const context = { strategyId: 's-1', accountId: 'a-1', capitalAllocationPaise: 100_000 };
    const bar = (symbol: string, minute: number, closePaise: number) => ({ symbol, startAt: `2026-11-20T04:${30 + minute}:00.000Z`, openPaise: closePaise, highPaise: closePaise, lowPaise: closePaise, closePaise, volume: 10 });
    const input = (bars: ReturnType<typeof bar>[]): StrategyStepInput => ({ now: bars[0]!.startAt, ticks: [], bars, fills: [], positions: {}, placedToday: new Map(), market });
    let state = maCrossoverStrategy.initialState(params, context, input([bar('INFY', 0, 1)]));
    const steps = [[bar('INFY', 0, 1_000)], [bar('INFY', 1, 900)], [bar('TCS', 2, 5_000)], [bar('INFY', 3, 1_100)]].map((bars) => {
      const result = maCrossoverStrategy.step(state, input(bars), params, context);
      state = result.state;
      return result.intents.map((i) => (i.kind === 'PLACE' ? `${i.side} ${i.quantity}` : 'CANCEL'));
    });
    // 1,000 then 900: fast below slow (no cross yet); TCS ignored; 1,100: fast above slow, buy floor(1,00,000 / 1,100) = 90
    expect(steps).toEqual([[], [], [], ['BUY 90']]);
  });
});
