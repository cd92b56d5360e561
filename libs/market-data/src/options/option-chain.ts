import { InvalidCommand, lotSizeForExpiry, optionSymbol, type IndexData, type IsoInstant, type IstDate, type OptionType, type Paise } from '@robo/domain';
import { roundToTick } from '../simulator/tick-grid';
import { blackScholes } from './black-scholes';
import { yearsToExpiry } from './expiries';

/** How the simulated market prices options: one flat volatility (no smile) and one rate. */
export interface OptionPricing {
  /** Annualised implied volatility, e.g. 0.13. */
  volatility: number;
  /** Continuously compounded risk-free rate a year, e.g. 0.065. */
  rate: number;
}

export interface OptionChainInput extends OptionPricing {
  index: IndexData;
  spotPaise: Paise;
  now: IsoInstant;
  expiry: IstDate;
  /** Strikes listed on each side of the at-the-money strike. */
  strikesEachSide: number;
}

export interface OptionChainSide {
  symbol: string;
  premiumPaise: Paise;
  delta: number;
}

export interface OptionChainRow {
  strikePaise: Paise;
  call: OptionChainSide;
  put: OptionChainSide;
}

export interface OptionChain {
  underlying: string;
  expiry: IstDate;
  spotPaise: Paise;
  atmStrikePaise: Paise;
  lotSize: number;
  yearsToExpiry: number;
  rows: OptionChainRow[];
}

/** The strike on the index's strike grid nearest to the spot (a tie goes up). */
export function atmStrike(spotPaise: Paise, strikeStepPaise: Paise): Paise {
  return Math.max(strikeStepPaise, Math.round(spotPaise / strikeStepPaise) * strikeStepPaise);
}

/**
 * A premium on the tick grid: Black-Scholes value rounded to the nearest tick, at least one tick (an option never
 * trades at zero; NSE's smallest price is one tick).
 */
export function optionPremiumPaise(
  spotPaise: Paise,
  strikePaise: Paise,
  optionType: OptionType,
  years: number,
  pricing: OptionPricing,
  tickSizePaise: Paise,
): { premiumPaise: Paise; delta: number } {
  const value = blackScholes({ spot: spotPaise, strike: strikePaise, yearsToExpiry: years, volatility: pricing.volatility, rate: pricing.rate }, optionType);
  return { premiumPaise: roundToTick(value.premium, tickSizePaise), delta: value.delta };
}

/**
 * Calls and puts around the money for one expiry of an index: strikes ATM +- k x strike step (k = 0..n, positive
 * strikes only), premiums from Black-Scholes on the tick grid, the lot size from the index's dated table, and the
 * symbols the instrument catalog resolves.
 */
export function buildOptionChain(input: OptionChainInput): OptionChain {
  const { index, spotPaise, now, expiry, strikesEachSide } = input;
  if (!Number.isSafeInteger(spotPaise) || spotPaise <= 0) throw new InvalidCommand('OPTION_INPUT_INVALID', `spot must be positive paise, got ${spotPaise}`);
  if (!Number.isSafeInteger(strikesEachSide) || strikesEachSide < 0 || strikesEachSide > 100) {
    throw new InvalidCommand('OPTION_INPUT_INVALID', `strikesEachSide must be 0..100, got ${strikesEachSide}`);
  }
  const lotSize = lotSizeForExpiry(index, expiry);
  if (lotSize === null) throw new InvalidCommand('LOT_SIZE_UNKNOWN', `no lot size for ${index.symbol} contracts expiring ${expiry}`, { underlying: index.symbol, expiry });
  const years = yearsToExpiry(now, expiry);
  const atm = atmStrike(spotPaise, index.strikeStepPaise);
  const rows: OptionChainRow[] = [];
  for (let k = -strikesEachSide; k <= strikesEachSide; k += 1) {
    const strikePaise = atm + k * index.strikeStepPaise;
    if (strikePaise <= 0) continue;
    const side = (optionType: OptionType): OptionChainSide => ({
      symbol: optionSymbol(index.symbol, expiry, strikePaise, optionType),
      ...optionPremiumPaise(spotPaise, strikePaise, optionType, years, input, index.tickSizePaise),
    });
    rows.push({ strikePaise, call: side('CE'), put: side('PE') });
  }
  return { underlying: index.symbol, expiry, spotPaise, atmStrikePaise: atm, lotSize, yearsToExpiry: years, rows };
}
