import { blackScholes } from './black-scholes';
import { impliedVolatility, optionAnalytics, simulatedOpenInterest } from './option-analytics';

describe('implied volatility and greeks', () => {
  // Hull, Options, Futures and Other Derivatives, example 19.1 (greeks of a call): S = 49, K = 50, r = 5%, sigma = 20%,
  // T = 20 weeks = 0.3846 years: premium 2.40, delta 0.522, gamma 0.066, theta -4.31 a year, vega 12.1 per 1.00 of volatility
  const hull = { spot: 49, strike: 50, yearsToExpiry: 0.3846, rate: 0.05 };

  it("recovers the volatility of Hull's textbook call from its premium, and gives its greeks", () => {
    const premium = blackScholes({ ...hull, volatility: 0.2 }, 'CE').premium;
    expect(premium).toBeCloseTo(2.4, 2);
    expect(impliedVolatility({ ...hull, premium }, 'CE')).toBeCloseTo(0.2, 9);
    const a = optionAnalytics({ spotPaise: 4900, strikePaise: 5000, yearsToExpiry: 0.3846, rate: 0.05, premiumPaise: premium * 100 }, 'CE');
    expect(a.iv).toBeCloseTo(0.2, 9);
    expect(a.delta).toBeCloseTo(0.522, 3);
    expect(a.gamma).toBeCloseTo(0.066, 3);
    expect(a.theta! * 365).toBeCloseTo(-4.31, 2); // per year, as Hull states it
    expect(a.vega! * 100).toBeCloseTo(12.1, 1); // per 1.00 of volatility
  });

  it('the call and put that satisfy put-call parity imply the same volatility; their deltas differ by one', () => {
    const call = 4.7594; // Hull: S = 42, K = 40, T = 0.5, r = 10%, sigma = 20%
    const put = call - 42 + 40 * Math.exp(-0.1 * 0.5); // C - P = S - K e^-rT
    expect(put).toBeCloseTo(0.8086, 4);
    const input = { spot: 42, strike: 40, yearsToExpiry: 0.5, rate: 0.1 };
    const ivCall = impliedVolatility({ ...input, premium: call }, 'CE')!;
    const ivPut = impliedVolatility({ ...input, premium: put }, 'PE')!;
    expect(ivCall).toBeCloseTo(0.2, 4);
    expect(ivPut).toBeCloseTo(ivCall, 9);
    const c = optionAnalytics({ spotPaise: 4200, strikePaise: 4000, yearsToExpiry: 0.5, rate: 0.1, premiumPaise: call * 100 }, 'CE');
    const p = optionAnalytics({ spotPaise: 4200, strikePaise: 4000, yearsToExpiry: 0.5, rate: 0.1, premiumPaise: put * 100 }, 'PE');
    expect(c.delta! - p.delta!).toBeCloseTo(1, 4);
    expect(c.gamma).toBeCloseTo(p.gamma!, 6);
    expect(c.vega).toBeCloseTo(p.vega!, 6);
  });

  it('answers null where no volatility gives the premium (below intrinsic value, above the spot, at expiry)', () => {
    expect(impliedVolatility({ spot: 42, strike: 40, yearsToExpiry: 0.5, rate: 0.1, premium: 1 }, 'CE')).toBeNull();
    expect(impliedVolatility({ spot: 42, strike: 40, yearsToExpiry: 0.5, rate: 0.1, premium: 43 }, 'CE')).toBeNull();
    expect(impliedVolatility({ spot: 42, strike: 40, yearsToExpiry: 0, rate: 0.1, premium: 2 }, 'CE')).toBeNull();
    expect(optionAnalytics({ spotPaise: 4200, strikePaise: 4000, yearsToExpiry: 0.5, rate: 0.1, premiumPaise: 100 }, 'CE')).toEqual({ iv: null, delta: null, gamma: null, theta: null, vega: null });
    // with the model's volatility as the fallback the greeks are there, the IV still says none fits
    const fallback = optionAnalytics({ spotPaise: 4200, strikePaise: 4000, yearsToExpiry: 0.5, rate: 0.1, premiumPaise: 100, fallbackVolatility: 0.2 }, 'CE');
    expect(fallback.iv).toBeNull();
    expect(fallback.delta).toBeCloseTo(blackScholes({ spot: 42, strike: 40, yearsToExpiry: 0.5, rate: 0.1, volatility: 0.2 }, 'CE').delta, 12);
  });

  it('simulated open interest peaks out of the money, calls above and puts below', () => {
    expect(simulatedOpenInterest(2, 'CE', 65)).toBe(50_000 * 65);
    expect(simulatedOpenInterest(-2, 'PE', 65)).toBe(50_000 * 65);
    expect(simulatedOpenInterest(-2, 'CE', 65)).toBeLessThan(simulatedOpenInterest(2, 'CE', 65));
  });
});
