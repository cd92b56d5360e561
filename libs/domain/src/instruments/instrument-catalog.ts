import type { IstDate, Paise } from '../common/types';
import { DEFAULT_CATALOG_DATA, lotSizeForExpiry, validateCatalogData, type CatalogData, type IndexData } from './catalog-data';
import { parseDerivativeSymbol } from './derivative-symbol';
import type { Instrument, OptionType } from './instrument';

/**
 * The tradable instruments: equities from data, plus index futures and options resolved from
 * their symbol (`NIFTY 2026-12-31 FUT`, `NIFTY 2026-12-31 24000 CE`). An index itself is not
 * tradable, so `get('NIFTY')` is null; `indices()` describes the underlyings.
 * Whether a contract has expired is a pre-trade check (it needs the time), not the catalog's.
 */
export class InstrumentCatalog {
  private readonly equities: ReadonlyMap<string, Instrument>;
  private readonly indexData: ReadonlyMap<string, IndexData>;

  constructor(data: CatalogData = DEFAULT_CATALOG_DATA) {
    validateCatalogData(data);
    this.equities = new Map(
      data.equities.map((e) => [
        e.symbol,
        {
          symbol: e.symbol,
          exchange: 'NSE',
          segment: 'EQ',
          tickSizePaise: e.tickSizePaise,
          lotSize: e.lotSize,
          referencePricePaise: e.referencePricePaise,
          underlying: null,
          expiry: null,
          strikePaise: null,
          optionType: null,
        },
      ]),
    );
    this.indexData = new Map(data.indices.map((i) => [i.symbol, i]));
  }

  /** The instrument for a symbol, or null when unknown or malformed. */
  get(symbol: string): Instrument | null {
    const equity = this.equities.get(symbol);
    if (equity) return { ...equity };
    const parsed = parseDerivativeSymbol(symbol);
    if (!parsed) return null;
    const index = this.indexData.get(parsed.underlying);
    if (!index) return null;
    const lotSize = lotSizeForExpiry(index, parsed.expiry);
    if (lotSize === null) return null;
    const contract = { exchange: 'NSE' as const, tickSizePaise: index.tickSizePaise, lotSize, underlying: index.symbol, expiry: parsed.expiry };
    if (parsed.kind === 'FUT') {
      return { symbol, segment: 'FUT', ...contract, referencePricePaise: index.referenceLevelPaise, strikePaise: null, optionType: null };
    }
    if (parsed.strikePaise % index.strikeStepPaise !== 0) return null;
    return {
      symbol,
      segment: 'OPT',
      ...contract,
      referencePricePaise: placeholderPremium(index, parsed.strikePaise, parsed.optionType),
      strikePaise: parsed.strikePaise,
      optionType: parsed.optionType,
    };
  }

  /** Tradable equities, in data order. Derivatives are unbounded (any expiry, any strike), so not listed. */
  list(): Instrument[] {
    return [...this.equities.values()].map((e) => ({ ...e }));
  }

  /** The index underlyings with their strike step, tick, reference level, dated lot sizes and expiry rules. */
  indices(): IndexData[] {
    return [...this.indexData.values()].map((i) => ({ ...i, lotSizes: i.lotSizes.map((l) => ({ ...l })), expiryRules: i.expiryRules.map((r) => ({ ...r })) }));
  }

  /** Lot size of `underlying`'s contracts expiring on `expiry`; null when unknown. */
  lotSize(underlying: string, expiry: IstDate): number | null {
    const index = this.indexData.get(underlying);
    return index ? lotSizeForExpiry(index, expiry) : null;
  }
}

/**
 * PLACEHOLDER until a market-data simulator exists: intrinsic value at the reference level plus
 * a flat time value of 0.5% of that level, rounded up to the tick. Always positive; it only
 * values MARKET orders before a trade has been seen, it is not an option pricing model.
 */
export function placeholderPremium(index: IndexData, strikePaise: Paise, optionType: OptionType): Paise {
  const level = index.referenceLevelPaise;
  const intrinsic = Math.max(0, optionType === 'CE' ? level - strikePaise : strikePaise - level);
  const timeValue = Math.ceil(level / 200);
  const tick = index.tickSizePaise;
  return Math.ceil((intrinsic + timeValue) / tick) * tick;
}
