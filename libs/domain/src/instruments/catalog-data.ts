import { InvalidCommand } from '../common/errors';
import type { IstDate, Paise } from '../common/types';
import { isIsoDate } from '../market/ist';
import equitiesJson from './data/equities.json';
import indicesJson from './data/indices.json';

export interface EquityData {
  symbol: string;
  tickSizePaise: Paise;
  lotSize: number;
  referencePricePaise: Paise;
}

/** Applies to contracts expiring on or after `fromExpiry` (until a later entry takes over). */
export interface LotSizeEntry {
  fromExpiry: IstDate;
  lotSize: number;
}

/** An index: not tradable itself, the underlying of its futures and options. */
export interface IndexData {
  symbol: string;
  referenceLevelPaise: Paise;
  strikeStepPaise: Paise;
  /** Tick of its futures and options. */
  tickSizePaise: Paise;
  lotSizes: readonly LotSizeEntry[];
}

export interface CatalogData {
  equities: readonly EquityData[];
  indices: readonly IndexData[];
}

export const DEFAULT_CATALOG_DATA: CatalogData = {
  equities: equitiesJson.equities,
  indices: indicesJson.indices,
};

const SYMBOL = /^[A-Z][A-Z0-9&-]*$/;
const positiveInt = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;

/** Rejects catalog data that would make instruments nonsensical (the catalog is configuration). */
export function validateCatalogData(data: CatalogData): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  const symbolOk = (symbol: string) => {
    if (!SYMBOL.test(symbol)) problems.push(`bad symbol ${JSON.stringify(symbol)}`);
    if (seen.has(symbol)) problems.push(`duplicate symbol ${symbol}`);
    seen.add(symbol);
  };
  for (const e of data.equities) {
    symbolOk(e.symbol);
    if (!positiveInt(e.tickSizePaise) || !positiveInt(e.lotSize) || !positiveInt(e.referencePricePaise)) {
      problems.push(`${e.symbol}: tick, lot and reference price must be positive integers`);
    } else if (e.referencePricePaise % e.tickSizePaise !== 0) {
      problems.push(`${e.symbol}: reference price is not on the tick grid`);
    }
  }
  for (const i of data.indices) {
    symbolOk(i.symbol);
    if (!positiveInt(i.referenceLevelPaise) || !positiveInt(i.strikeStepPaise) || !positiveInt(i.tickSizePaise)) {
      problems.push(`${i.symbol}: level, strike step and tick must be positive integers`);
    } else if (i.referenceLevelPaise % i.tickSizePaise !== 0) {
      problems.push(`${i.symbol}: reference level is not on the tick grid`);
    }
    if (i.lotSizes.length === 0) problems.push(`${i.symbol}: lot-size table is empty`);
    i.lotSizes.forEach((entry, k) => {
      if (!isIsoDate(entry.fromExpiry) || !positiveInt(entry.lotSize)) problems.push(`${i.symbol}: bad lot-size entry ${k}`);
      if (k > 0 && !(entry.fromExpiry > i.lotSizes[k - 1].fromExpiry)) problems.push(`${i.symbol}: lot sizes not in date order`);
    });
  }
  if (problems.length > 0) throw new InvalidCommand('INVALID_CATALOG', `instrument catalog: ${problems.join('; ')}`, { problems });
}

/** The lot size for contracts of `index` expiring on `expiry`; null before the table starts. */
export function lotSizeForExpiry(index: IndexData, expiry: IstDate): number | null {
  let lotSize: number | null = null;
  for (const entry of index.lotSizes) if (entry.fromExpiry <= expiry) lotSize = entry.lotSize;
  return lotSize;
}
