import { InvalidCommand, type OptionType } from '@robo/domain';
import { normalCdf, normalPdf } from './normal';

/**
 * Inputs of the Black-Scholes(-Merton) model for a European option. Prices are in any one unit (rupees or paise:
 * the premium comes out in the unit of spot and strike).
 * - spot S > 0: the underlying (the index level).
 * - strike K > 0.
 * - yearsToExpiry T >= 0: time left in years (see yearsToExpiry: calendar time to 15:30 IST of the expiry day, /365).
 * - volatility sigma >= 0: annualised, 0.15 = 15%.
 * - rate r: continuously compounded risk-free rate a year, 0.065 = 6.5%.
 * - dividendYield q (default 0): continuous yield of the underlying.
 */
export interface BlackScholesInput {
  spot: number;
  strike: number;
  yearsToExpiry: number;
  volatility: number;
  rate: number;
  dividendYield?: number;
}

export interface OptionValuation {
  premium: number;
  /** dPremium / dSpot: in (0, 1) for a call, (-1, 0) for a put. */
  delta: number;
  /** dDelta / dSpot. */
  gamma: number;
  /** dPremium / dVolatility, per 1.00 (100 points) of volatility. */
  vega: number;
  /** dPremium / dt, per year of calendar time (negative: value decays). */
  theta: number;
}

/**
 * d1 = (ln(S / K) + (r - q + sigma^2 / 2) T) / (sigma sqrt(T)),  d2 = d1 - sigma sqrt(T)
 * call = S e^(-qT) N(d1) - K e^(-rT) N(d2)
 * put  = K e^(-rT) N(-d2) - S e^(-qT) N(-d1)
 * delta: call e^(-qT) N(d1), put e^(-qT) (N(d1) - 1); gamma = e^(-qT) n(d1) / (S sigma sqrt(T));
 * vega = S e^(-qT) n(d1) sqrt(T);
 * theta: call -S e^(-qT) n(d1) sigma / (2 sqrt(T)) - r K e^(-rT) N(d2) + q S e^(-qT) N(d1),
 *        put  -S e^(-qT) n(d1) sigma / (2 sqrt(T)) + r K e^(-rT) N(-d2) - q S e^(-qT) N(-d1).
 * At expiry (T = 0) or without volatility the option is worth its discounted forward intrinsic value, and the
 * greeks are those of that limit (delta 0 or +-1, the rest 0).
 */
export function blackScholes(input: BlackScholesInput, optionType: OptionType): OptionValuation {
  const { spot: S, strike: K, yearsToExpiry: T, volatility: sigma, rate: r } = checked(input);
  const q = input.dividendYield ?? 0;
  const call = optionType === 'CE';
  const growth = Math.exp(-q * T);
  const discount = Math.exp(-r * T);
  if (T === 0 || sigma === 0) {
    const forwardIntrinsic = call ? S * growth - K * discount : K * discount - S * growth;
    const inTheMoney = forwardIntrinsic > 0;
    return { premium: Math.max(0, forwardIntrinsic), delta: inTheMoney ? (call ? growth : -growth) : 0, gamma: 0, vega: 0, theta: 0 };
  }
  const sqrtT = Math.sqrt(T);
  const d1 = (Math.log(S / K) + (r - q + (sigma * sigma) / 2) * T) / (sigma * sqrtT);
  const d2 = d1 - sigma * sqrtT;
  const density = normalPdf(d1);
  const gamma = (growth * density) / (S * sigma * sqrtT);
  const vega = S * growth * density * sqrtT;
  const decay = (-S * growth * density * sigma) / (2 * sqrtT);
  if (call) {
    return {
      premium: S * growth * normalCdf(d1) - K * discount * normalCdf(d2),
      delta: growth * normalCdf(d1),
      gamma,
      vega,
      theta: decay - r * K * discount * normalCdf(d2) + q * S * growth * normalCdf(d1),
    };
  }
  return {
    premium: K * discount * normalCdf(-d2) - S * growth * normalCdf(-d1),
    delta: growth * (normalCdf(d1) - 1),
    gamma,
    vega,
    theta: decay + r * K * discount * normalCdf(-d2) - q * S * growth * normalCdf(-d1),
  };
}

function checked(input: BlackScholesInput): BlackScholesInput {
  const problems: string[] = [];
  const finite = (name: string, value: number, min: number, strict: boolean) => {
    if (!Number.isFinite(value) || (strict ? value <= min : value < min)) problems.push(`${name} must be ${strict ? '>' : '>='} ${min}`);
  };
  finite('spot', input.spot, 0, true);
  finite('strike', input.strike, 0, true);
  finite('yearsToExpiry', input.yearsToExpiry, 0, false);
  finite('volatility', input.volatility, 0, false);
  if (!Number.isFinite(input.rate)) problems.push('rate must be finite');
  if (input.dividendYield !== undefined && !Number.isFinite(input.dividendYield)) problems.push('dividendYield must be finite');
  if (problems.length > 0) throw new InvalidCommand('OPTION_INPUT_INVALID', `Black-Scholes: ${problems.join('; ')}`, { problems });
  return input;
}
