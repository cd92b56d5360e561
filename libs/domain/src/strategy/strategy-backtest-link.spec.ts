import type { StrategyCommand } from './strategy.commands';
import { decideStrategy } from './strategy.decider';
import { initialStrategyState } from './strategy.state';

const T0 = '2026-11-20T09:20:00+05:30';
const register = (backtest?: unknown): StrategyCommand => ({
  type: 'RegisterStrategy',
  data: {
    strategyId: 'str-1',
    accountId: 'acc-1',
    kind: 'ma-crossover',
    name: 'promoted',
    parameters: { instrument: 'INFY', fastPeriod: 5, slowPeriod: 20 },
    instruments: ['INFY'],
    capitalAllocationPaise: 10_000_000,
    ...(backtest === undefined ? {} : { backtest: backtest as { runId: string; hash: string } }),
    now: T0,
  },
});
const RUN = '0193a5c2-7d1e-7abc-8def-0123456789ab';
const HASH = 'ab'.repeat(32);

describe('a strategy promoted from a backtest', () => {
  it('records the run it came from (id and log hash) on its registration', () => {
    const [event] = decideStrategy(register({ runId: RUN, hash: HASH }), initialStrategyState);
    expect(event).toMatchObject({ type: 'StrategyRegistered', data: { backtest: { runId: RUN, hash: HASH } } });
    const [plain] = decideStrategy(register(), initialStrategyState);
    expect(plain.data).not.toHaveProperty('backtest');
  });

  it.each([
    ['no hash', { runId: RUN }],
    ['a short hash', { runId: RUN, hash: 'abc' }],
    ['a run id that is no run id', { runId: '../../etc', hash: HASH }],
    ['no link object', null],
  ])('refuses a link with %s', (_name, link) => {
    expect(() => decideStrategy(register(link), initialStrategyState)).toThrow(expect.objectContaining({ code: 'BACKTEST_LINK_INVALID' }));
  });
});
