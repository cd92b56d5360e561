import type { OptionType, Paise } from '@robo/domain';
import { blackScholes } from './black-scholes';

/**
 * What an option chain shows beside a premium: the implied volatility of the quoted premium and the Black-Scholes
 * greeks at that volatility, in the units a trader reads them in.
 *
 * Model: Black-Scholes-Merton on the index level, no dividend yield, a continuously compounded risk-free rate, and
 * time to expiry in calendar time to 15:30 IST of the expiry day over 365 days (yearsToExpiry). Greeks:
 * - delta: change of the premium per rupee of the index;
 * - gamma: change of delta per rupee of the index;
 * - theta: rupees of premium lost per calendar day (the model's theta per year / 365; negative: decay);
 * - vega: rupees of premium per one point (0.01) of volatility.
 */
export interface OptionAnalytics {
  /** Annualised implied volatility (0.13 = 13%), or null when the premium is outside the model's bounds. */
  iv: number | null;
  delta: number | null;
  gamma: number | null;
  theta: number | null;
  vega: number | null;
}

export interface ImpliedVolatilityInput {
  spot: number;
  strike: number;
  yearsToExpiry: number;
  rate: number;
  /** The option's price, in the unit of spot and strike. */
  premium: number;
}

const MIN_VOL = 1e-6;
const MAX_VOL = 5;

/**
 * The volatility at which Black-Scholes gives this premium, by bisection (the premium rises strictly with volatility
 * for T > 0), to 1e-10. Null at expiry, or when the premium is not above the discounted intrinsic value the model
 * gives at zero volatility or not below its value at 500% (a call is worth less than the spot, a put less than the
 * discounted strike): no volatility reproduces it.
 */
export function impliedVolatility(input: ImpliedVolatilityInput, optionType: OptionType): number | null {
  const { premium, yearsToExpiry } = input;
  if (!(yearsToExpiry > 0) || !Number.isFinite(premium) || premium <= 0) return null;
  const price = (volatility: number) => blackScholes({ ...input, volatility }, optionType).premium;
  let low = MIN_VOL;
  let high = MAX_VOL;
  if (premium <= price(low) || premium >= price(high)) return null;
  for (let i = 0; i < 200 && high - low > 1e-10; i += 1) {
    const mid = (low + high) / 2;
    if (price(mid) < premium) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/**
 * IV of the premium and the greeks at that IV. Prices in paise, greeks in rupees. When no IV fits (a premium on the
 * one-tick floor below intrinsic value, expiry), the greeks are those at `fallbackVolatility` (the pricing model's)
 * when given, else null; iv stays null either way.
 */
export function optionAnalytics(
  o: { spotPaise: Paise; strikePaise: Paise; yearsToExpiry: number; rate: number; premiumPaise: Paise; fallbackVolatility?: number },
  optionType: OptionType,
): OptionAnalytics {
  const spot = o.spotPaise / 100;
  const strike = o.strikePaise / 100;
  const iv = impliedVolatility({ spot, strike, yearsToExpiry: o.yearsToExpiry, rate: o.rate, premium: o.premiumPaise / 100 }, optionType);
  const volatility = iv ?? o.fallbackVolatility ?? null;
  if (volatility === null) return { iv: null, delta: null, gamma: null, theta: null, vega: null };
  const v = blackScholes({ spot, strike, yearsToExpiry: o.yearsToExpiry, volatility, rate: o.rate }, optionType);
  return { iv, delta: v.delta, gamma: v.gamma, theta: v.theta / 365, vega: v.vega / 100 };
}

/**
 * Open interest of the simulated market, in units (lots x lot size). The simulator trades no contracts between
 * participants, so there is no real open interest; this is a fixed, documented shape so that the chain reads like
 * one: a bell over strikes (width 4 strike steps) of 50,000 lots at its peak, calls peaking 2 steps above the money
 * and puts 2 steps below (writers sell out of the money). It depends only on the strike's distance from the money.
 */
export function simulatedOpenInterest(stepsFromAtm: number, optionType: OptionType, lotSize: number): number {
  const peak = optionType === 'CE' ? 2 : -2;
  const lots = Math.round(50_000 * Math.exp(-0.5 * ((stepsFromAtm - peak) / 4) ** 2));
  return lots * lotSize;
}
