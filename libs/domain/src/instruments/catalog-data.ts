import { InvalidCommand } from '../common/errors';
import type { IstDate, Paise } from '../common/types';
import { isIsoDate } from '../market/ist';
import equitiesJson from './data/equities.json';
import expiryRulesJson from './data/expiry-rules.json';
import indicesJson from './data/indices.json';
import lotSizesJson from './data/lot-sizes.json';
import { parseExpiryRules, type ExpiryRule, type ExpiryRuleRow } from './expiry-rules';

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
  /** The circular the figure comes from. */
  source?: string;
}

/** One row of a lot-size table (data/lot-sizes.json, or LOT_SIZES_FILE). */
export interface LotSizeRow extends LotSizeEntry {
  underlying: string;
  source: string;
}

/** An index: not tradable itself, the underlying of its futures and options. */
export interface IndexData {
  symbol: string;
  referenceLevelPaise: Paise;
  strikeStepPaise: Paise;
  /** Tick of its futures and options. */
  tickSizePaise: Paise;
  /** Dated by contract expiry, in date order: the only source of a derivative's lot size. */
  lotSizes: readonly LotSizeEntry[];
  /** Dated by expiry, in date order: which expiries are listed (see expiry-rules.ts). */
  expiryRules: readonly ExpiryRule[];
}

/** An index as data/indices.json describes it, before its dated tables are joined in. */
export type IndexLevels = Omit<IndexData, 'lotSizes' | 'expiryRules'>;

export interface CatalogData {
  equities: readonly EquityData[];
  indices: readonly IndexData[];
}

const positiveInt = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;

/**
 * Checks a lot-size table read from configuration: `{ "lotSizes": [{ underlying, fromExpiry, lotSize, source }] }`
 * or the bare list. Every row names its source. Bad data fails at start, not as a wrong lot on some later order.
 */
export function parseLotSizeTable(input: unknown): LotSizeRow[] {
  const list = (input as { lotSizes?: unknown } | null)?.lotSizes ?? input;
  if (!Array.isArray(list) || list.length === 0) throw invalidLots('a non-empty list of lot sizes is required');
  const rows = list.map((item, k): LotSizeRow => {
    const row = item as Partial<LotSizeRow> | null;
    const where = `lot size ${k}`;
    if (typeof row !== 'object' || row === null) throw invalidLots(`${where}: must be an object`);
    if (typeof row.underlying !== 'string' || !/^[A-Z][A-Z0-9&-]*$/.test(row.underlying)) throw invalidLots(`${where}: underlying must be an index symbol`);
    if (typeof row.fromExpiry !== 'string' || !isIsoDate(row.fromExpiry)) throw invalidLots(`${where} (${row.underlying}): fromExpiry must be YYYY-MM-DD`);
    if (!positiveInt(row.lotSize)) throw invalidLots(`${where} (${row.underlying} ${row.fromExpiry}): lotSize must be a positive integer`);
    if (typeof row.source !== 'string' || row.source.trim() === '') throw invalidLots(`${where} (${row.underlying} ${row.fromExpiry}): source must name the circular the figure comes from`);
    return { underlying: row.underlying, fromExpiry: row.fromExpiry, lotSize: row.lotSize, source: row.source };
  });
  const seen = new Set<string>();
  for (const r of rows) {
    const key = `${r.underlying} ${r.fromExpiry}`;
    if (seen.has(key)) throw invalidLots(`two lot sizes for ${key}`);
    seen.add(key);
  }
  return rows;
}

function invalidLots(message: string): InvalidCommand {
  return new InvalidCommand('LOT_SIZES_INVALID', `lot sizes: ${message}`);
}

/** The bundled tables (data/lot-sizes.json, data/expiry-rules.json), checked once. */
export const DEFAULT_LOT_SIZES: readonly LotSizeRow[] = Object.freeze(parseLotSizeTable(lotSizesJson));
export const DEFAULT_EXPIRY_RULES: readonly ExpiryRuleRow[] = Object.freeze(parseExpiryRules(expiryRulesJson));
export const DEFAULT_INDEX_LEVELS: readonly IndexLevels[] = indicesJson.indices;

/**
 * The catalog's data with each index's dated tables joined in. A table row for an underlying that is not an index of
 * the catalog is refused (it would otherwise be silently unused).
 */
export function buildCatalogData(
  parts: { equities?: readonly EquityData[]; indices?: readonly IndexLevels[]; lotSizes?: readonly LotSizeRow[]; expiryRules?: readonly ExpiryRuleRow[] } = {},
): CatalogData {
  const indices = parts.indices ?? DEFAULT_INDEX_LEVELS;
  const lotSizes = parts.lotSizes ?? DEFAULT_LOT_SIZES;
  const expiryRules = parts.expiryRules ?? DEFAULT_EXPIRY_RULES;
  const symbols = new Set(indices.map((i) => i.symbol));
  const strayLots = [...new Set(lotSizes.map((r) => r.underlying).filter((u) => !symbols.has(u)))];
  if (strayLots.length > 0) throw invalidLots(`${strayLots.join(', ')} ${strayLots.length === 1 ? 'is' : 'are'} not an index of the catalog`);
  const strayRules = [...new Set(expiryRules.map((r) => r.underlying).filter((u) => !symbols.has(u)))];
  if (strayRules.length > 0) throw new InvalidCommand('EXPIRY_RULES_INVALID', `expiry rules: ${strayRules.join(', ')} not an index of the catalog`);
  const byDate = <T extends { fromExpiry: string }>(a: T, b: T) => a.fromExpiry.localeCompare(b.fromExpiry);
  return {
    equities: parts.equities ?? equitiesJson.equities,
    indices: indices.map((i) => ({
      ...i,
      lotSizes: lotSizes.filter((r) => r.underlying === i.symbol).sort(byDate).map(({ fromExpiry, lotSize, source }) => ({ fromExpiry, lotSize, source })),
      expiryRules: expiryRules.filter((r) => r.underlying === i.symbol).sort(byDate).map(({ underlying: _u, ...rule }) => rule),
    })),
  };
}

export const DEFAULT_CATALOG_DATA: CatalogData = buildCatalogData();

const SYMBOL = /^[A-Z][A-Z0-9&-]*$/;

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
    if (!Array.isArray(i.expiryRules) || i.expiryRules.length === 0) problems.push(`${i.symbol}: expiry-rule table is empty`);
    else {
      i.expiryRules.forEach((rule, k) => {
        if (k > 0 && !(rule.fromExpiry > i.expiryRules[k - 1].fromExpiry)) problems.push(`${i.symbol}: expiry rules not in date order`);
      });
    }
  }
  if (problems.length > 0) throw new InvalidCommand('INVALID_CATALOG', `instrument catalog: ${problems.join('; ')}`, { problems });
}

/** The lot size for contracts of `index` expiring on `expiry`; null before the table starts. */
export function lotSizeForExpiry(index: Pick<IndexData, 'lotSizes'>, expiry: IstDate): number | null {
  let lotSize: number | null = null;
  for (const entry of index.lotSizes) if (entry.fromExpiry <= expiry) lotSize = entry.lotSize;
  return lotSize;
}
