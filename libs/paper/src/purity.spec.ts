import { impureSources } from '@robo/market-data/testing/purity';

describe('libs/paper stays pure', () => {
  it('reads no clock, draws no Math.random and does no I/O (the check of libs/market-data)', () => {
    expect(impureSources(__dirname)).toEqual([]);
  });
});
