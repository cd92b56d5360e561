import { divideRoundHalfAwayFromZero, proRataPaise } from './money';

describe('divideRoundHalfAwayFromZero', () => {
  it('rounds halves away from zero in both directions', () => {
    expect(divideRoundHalfAwayFromZero(5n, 2n)).toBe(3n); // 2.5 -> 3
    expect(divideRoundHalfAwayFromZero(-5n, 2n)).toBe(-3n); // -2.5 -> -3
    expect(divideRoundHalfAwayFromZero(7n, 3n)).toBe(2n); // 2.333 -> 2
    expect(divideRoundHalfAwayFromZero(8n, 3n)).toBe(3n); // 2.667 -> 3
    expect(divideRoundHalfAwayFromZero(-8n, 3n)).toBe(-3n); // -2.667 -> -3
    expect(divideRoundHalfAwayFromZero(5n, -2n)).toBe(-3n); // -2.5 -> -3
  });

  it('refuses a zero denominator', () => {
    expect(() => divideRoundHalfAwayFromZero(1n, 0n)).toThrow(RangeError);
  });
});

describe('proRataPaise', () => {
  it('stays exact where amount x part exceeds the safe integer range', () => {
    // 9,000,000,000,000 x 3,000 = 2.7e16 > 2^53; / 9,000 = 3,000,000,000,000 exactly
    expect(proRataPaise(9_000_000_000_000, 3_000, 9_000)).toBe(3_000_000_000_000);
    // 30001 x 1 / 3 = 10000.33 -> 10000
    expect(proRataPaise(30001, 1, 3)).toBe(10000);
  });
});
