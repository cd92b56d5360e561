import { InstrumentCatalog } from '@robo/domain';
import defaults from './data/simulation-defaults.json';
import type { SimInstrument } from './simulation';

const VOLATILITY: Readonly<Record<string, number>> = defaults.volatility;

/** The annualised volatility the simulator uses for a symbol (data/simulation-defaults.json). */
export function defaultVolatility(symbol: string, isIndex: boolean): number {
  return VOLATILITY[symbol] ?? (isIndex ? defaults.index.annualVolatility : defaults.equity.annualVolatility);
}

/**
 * The reference market: every equity of the catalog at its reference price, and every index (NIFTY, BANKNIFTY, FINNIFTY, MIDCPNIFTY, NIFTYNXT50) at
 * its reference level, with volatilities, spreads and volumes from data/simulation-defaults.json.
 */
export function defaultSimInstruments(catalog: InstrumentCatalog = new InstrumentCatalog()): SimInstrument[] {
  const equities = catalog.list().map((e) => ({
    symbol: e.symbol,
    startPricePaise: e.referencePricePaise,
    annualVolatility: defaultVolatility(e.symbol, false),
    tickSizePaise: e.tickSizePaise,
    spreadTicks: defaults.equity.spreadTicks,
    volumePerMinute: defaults.equity.volumePerMinute,
    lotSize: e.lotSize,
  }));
  const indices = catalog.indices().map((i) => ({
    symbol: i.symbol,
    startPricePaise: i.referenceLevelPaise,
    annualVolatility: defaultVolatility(i.symbol, true),
    tickSizePaise: i.tickSizePaise,
    spreadTicks: 0,
    volumePerMinute: 0,
  }));
  return [...equities, ...indices];
}
