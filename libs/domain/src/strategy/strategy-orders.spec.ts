import { assertStrategyOnAccount } from './strategy-orders';

describe('assertStrategyOnAccount', () => {
  const code = (f: () => void) => {
    try {
      f();
      return 'accepted';
    } catch (error) {
      return (error as { code?: string }).code;
    }
  };

  it('accepts an order without a strategy, or with a strategy registered on its account', () => {
    expect(code(() => assertStrategyOnAccount({ accountId: 'a', strategyId: null }, []))).toBe('accepted');
    expect(code(() => assertStrategyOnAccount({ accountId: 'a', strategyId: 's' }, ['a']))).toBe('accepted');
  });

  it("refuses another account's strategy and an id no strategy is registered under, with one code", () => {
    expect(code(() => assertStrategyOnAccount({ accountId: 'b', strategyId: 's' }, ['a']))).toBe('STRATEGY_NOT_ON_ACCOUNT');
    expect(code(() => assertStrategyOnAccount({ accountId: 'b', strategyId: 'nobody' }, []))).toBe('STRATEGY_NOT_ON_ACCOUNT');
  });
});
