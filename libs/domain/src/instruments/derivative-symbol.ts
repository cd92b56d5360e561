import { InvalidCommand } from '../common/errors';
import { formatRupees as rupees } from '../common/rupees';
import type { IstDate, Paise } from '../common/types';
import { isIsoDate } from '../market/ist';
import type { OptionType } from './instrument';

export type DerivativeSymbol =
  | { kind: 'FUT'; underlying: string; expiry: IstDate }
  | { kind: 'OPT'; underlying: string; expiry: IstDate; strikePaise: Paise; optionType: OptionType };

// Strike in whole rupees without leading zeros, so each contract has exactly one spelling
// (the symbol is the key of positions and orders).
const DERIVATIVE = /^([A-Z][A-Z0-9&-]*) (\d{4}-\d{2}-\d{2}) (?:FUT|([1-9]\d*) (CE|PE))$/;

/** Parses `NIFTY 2026-12-31 FUT` or `NIFTY 2026-12-31 24000 CE`; null when malformed. */
export function parseDerivativeSymbol(symbol: string): DerivativeSymbol | null {
  const match = DERIVATIVE.exec(symbol);
  if (!match || !isIsoDate(match[2])) return null;
  const [, underlying, expiry, strike, optionType] = match;
  if (strike === undefined) return { kind: 'FUT', underlying, expiry };
  const strikePaise = Number(strike) * 100;
  if (!Number.isSafeInteger(strikePaise)) return null;
  return { kind: 'OPT', underlying, expiry, strikePaise, optionType: optionType as OptionType };
}

export function futureSymbol(underlying: string, expiry: IstDate): string {
  return `${underlying} ${expiry} FUT`;
}

/** Strikes are written in whole rupees; a strike with paise has no symbol here. */
export function optionSymbol(underlying: string, expiry: IstDate, strikePaise: Paise, optionType: OptionType): string {
  if (!Number.isSafeInteger(strikePaise) || strikePaise <= 0 || strikePaise % 100 !== 0) {
    throw new InvalidCommand('STRIKE_INVALID', `strike must be a positive whole number of rupees, got ${rupees(strikePaise)}`);
  }
  return `${underlying} ${expiry} ${strikePaise / 100} ${optionType}`;
}
