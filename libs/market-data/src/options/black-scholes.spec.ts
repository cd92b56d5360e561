import type { DomainError } from '@robo/domain';
import { blackScholes } from './black-scholes';
import { normalCdf, normalPdf } from './normal';

describe('normalCdf (Hart 5666, absolute error below 1e-14)', () => {
  it.each([
    // reference values of Phi(x) (scipy.stats.norm.cdf, double precision)
    [0, 0.5],
    [1, 0.8413447460685429],
    [-1, 0.15865525393145707],
    [-1.96, 0.024997895148220435],
    [0.5, 0.6914624612740131],
    [2, 0.9772498680518208],
    [-3, 0.0013498980316300933],
    [-5, 2.8665157187919328e-7],
    [7.2, 0.9999999999996989], // beyond 7.07: the continued-fraction branch
    [-8, 6.2209605742717405e-16],
  ])('Phi(%p) = %p', (x, expected) => {
    expect(Math.abs(normalCdf(x) - expected)).toBeLessThan(1e-14);
  });

  it('is 0 and 1 in the far tails, symmetric, and NaN for NaN', () => {
    expect([normalCdf(-40), normalCdf(40)]).toEqual([0, 1]);
    for (const x of [0.1, 0.7, 1.3, 2.9, 6.5]) expect(Math.abs(normalCdf(x) + normalCdf(-x) - 1)).toBeLessThan(1e-15);
    expect(normalCdf(Number.NaN)).toBeNaN();
    expect(normalPdf(0)).toBeCloseTo(0.3989422804014327, 15);
  });
});

describe('Black-Scholes', () => {
  it('the textbook case S = 100, K = 100, T = 1, r = 5%, sigma = 20%: call 10.4506, put 5.5735', () => {
    // d1 = (ln 1 + (0.05 + 0.02) x 1) / 0.2 = 0.35; d2 = 0.15; N(d1) = 0.636831, N(d2) = 0.559618
    // call = 100 x 0.636831 - 100 e^-0.05 x 0.559618 = 63.6831 - 95.1229 x 0.559618 = 10.4506
    // put = call - S + K e^-rT = 10.4506 - 100 + 95.1229 = 5.5735 (put-call parity)
    const input = { spot: 100, strike: 100, yearsToExpiry: 1, volatility: 0.2, rate: 0.05 };
    const call = blackScholes(input, 'CE');
    const put = blackScholes(input, 'PE');
    expect(call.premium).toBeCloseTo(10.4506, 4);
    expect(put.premium).toBeCloseTo(5.5735, 4);
    expect(call.delta).toBeCloseTo(0.636831, 6); // N(d1)
    expect(put.delta).toBeCloseTo(-0.363169, 6); // N(d1) - 1
    // gamma = n(0.35) / (100 x 0.2 x 1) = 0.375240 / 20 = 0.018762; vega = 100 x n(d1) x 1 = 37.5240
    expect(call.gamma).toBeCloseTo(0.018762, 6);
    expect(call.vega).toBeCloseTo(37.524, 3);
    // theta = -100 x 0.375240 x 0.2 / 2 - 0.05 x 95.1229 x 0.559618 = -3.75240 - 2.66163 = -6.41403 a year
    expect(call.theta).toBeCloseTo(-6.41403, 4);
  });

  it('Hull\'s example S = 42, K = 40, T = 0.5, r = 10%, sigma = 20%: call 4.7594, put 0.8086', () => {
    // d1 = (ln(42 / 40) + (0.10 + 0.02) x 0.5) / (0.2 x sqrt(0.5)) = (0.048790 + 0.06) / 0.141421 = 0.769263
    // d2 = 0.769263 - 0.141421 = 0.627841; N(d1) = 0.779131, N(d2) = 0.734946; K e^-rT = 40 e^-0.05 = 38.049177
    // call = 42 x 0.779131 - 38.049177 x 0.734946 = 32.723514 - 27.964092 = 4.759422
    // put = 38.049177 x (1 - 0.734946) - 42 x (1 - 0.779131) = 10.085083 - 9.276486 = 0.808599
    const input = { spot: 42, strike: 40, yearsToExpiry: 0.5, volatility: 0.2, rate: 0.1 };
    expect(blackScholes(input, 'CE').premium).toBeCloseTo(4.759422, 5);
    expect(blackScholes(input, 'PE').premium).toBeCloseTo(0.808599, 5);
    expect(blackScholes(input, 'CE').delta).toBeCloseTo(0.779131, 6);
  });

  it('is scale-free: the same case in paise is 100 times the rupee premium', () => {
    const rupees = blackScholes({ spot: 100, strike: 100, yearsToExpiry: 1, volatility: 0.2, rate: 0.05 }, 'CE').premium;
    const paise = blackScholes({ spot: 10_000, strike: 10_000, yearsToExpiry: 1, volatility: 0.2, rate: 0.05 }, 'CE').premium;
    expect(paise).toBeCloseTo(rupees * 100, 8);
  });

  it('satisfies put-call parity with a dividend yield: C - P = S e^-qT - K e^-rT', () => {
    const input = { spot: 26_000, strike: 25_500, yearsToExpiry: 0.1, volatility: 0.15, rate: 0.065, dividendYield: 0.012 };
    const parity = 26_000 * Math.exp(-0.012 * 0.1) - 25_500 * Math.exp(-0.065 * 0.1);
    expect(blackScholes(input, 'CE').premium - blackScholes(input, 'PE').premium).toBeCloseTo(parity, 8);
  });

  it('at expiry an option is worth its intrinsic value', () => {
    expect(blackScholes({ spot: 105, strike: 100, yearsToExpiry: 0, volatility: 0.2, rate: 0.05 }, 'CE')).toEqual({ premium: 5, delta: 1, gamma: 0, vega: 0, theta: 0 });
    expect(blackScholes({ spot: 105, strike: 100, yearsToExpiry: 0, volatility: 0.2, rate: 0.05 }, 'PE')).toEqual({ premium: 0, delta: 0, gamma: 0, vega: 0, theta: 0 });
    expect(blackScholes({ spot: 95, strike: 100, yearsToExpiry: 0, volatility: 0.2, rate: 0.05 }, 'PE').delta).toBe(-1);
  });

  it('refuses inputs the model has no answer for', () => {
    let caught: unknown;
    try {
      blackScholes({ spot: 0, strike: 100, yearsToExpiry: Number.NaN, volatility: -1, rate: 0.05 }, 'CE');
    } catch (error) {
      caught = error;
    }
    expect((caught as DomainError).code).toBe('OPTION_INPUT_INVALID');
    expect((caught as DomainError).details).toEqual({ problems: ['spot must be > 0', 'yearsToExpiry must be >= 0', 'volatility must be >= 0'] });
  });
});
