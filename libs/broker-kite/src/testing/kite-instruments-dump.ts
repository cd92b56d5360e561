/**
 * The local Kite server's instrument master, after Kite Connect v3's documentation of `GET /instruments` and
 * `GET /instruments/:exchange` (https://kite.trade/docs/connect/v3/market-quotes/#instruments): a gzipped-or-plain CSV
 * (served plain here) with the columns below, one row per contract; tick_size in rupees, expiry `YYYY-MM-DD` (empty
 * for equities and indices), strike in rupees. The rows are generated from a small set given by the test (equities,
 * indices, and index futures and options for some expiries), not copied from Kite's file.
 */
export const KITE_INSTRUMENT_COLUMNS = [
  'instrument_token',
  'exchange_token',
  'tradingsymbol',
  'name',
  'last_price',
  'expiry',
  'strike',
  'tick_size',
  'lot_size',
  'instrument_type',
  'segment',
  'exchange',
] as const;

export type KiteInstrumentRow = Record<(typeof KITE_INSTRUMENT_COLUMNS)[number], string | number>;

/** Segment codes in an instrument token's low byte (as the ticker reads them): NSE cash 1, NSE F&O 2, indices 9. */
const SEGMENT_CODE = { NSE: 1, NFO: 2, INDICES: 9 } as const;

/** A stable token per trading symbol and segment (Kite's are exchange-assigned numbers; tests need them stable). */
export function kiteInstrumentToken(tradingsymbol: string, segment: keyof typeof SEGMENT_CODE = 'NSE'): number {
  let h = 7;
  for (const c of tradingsymbol) h = (h * 31 + c.charCodeAt(0)) % 1_000_000;
  return h * 256 + SEGMENT_CODE[segment];
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

export interface DumpSpec {
  equities?: { tradingsymbol: string; tickSize?: number; lotSize?: number; lastPrice?: number }[];
  /** Kite's index names, e.g. `NIFTY 50` (the name column of its NFO contracts is `NIFTY`). */
  indices?: { tradingsymbol: string; name: string }[];
  /** Futures and options of an index name for one expiry. */
  derivatives?: { name: string; expiry: string; lotSize: number; tickSize?: number; strikes?: number[] }[];
}

/** The rows of a generated dump. Kite's monthly NFO symbols read NIFTY25DECFUT / NIFTY25DEC24000CE. */
export function kiteInstrumentRows(spec: DumpSpec): KiteInstrumentRow[] {
  const rows: KiteInstrumentRow[] = [];
  const row = (tradingsymbol: string, segmentKey: keyof typeof SEGMENT_CODE, r: Partial<KiteInstrumentRow>): void => {
    const token = kiteInstrumentToken(tradingsymbol, segmentKey);
    rows.push({
      instrument_token: token,
      exchange_token: token >> 8,
      tradingsymbol,
      name: '',
      last_price: 0,
      expiry: '',
      strike: 0,
      tick_size: 0.05,
      lot_size: 1,
      instrument_type: 'EQ',
      segment: segmentKey,
      exchange: segmentKey === 'INDICES' ? 'NSE' : segmentKey,
      ...r,
    });
  };
  for (const e of spec.equities ?? []) row(e.tradingsymbol, 'NSE', { name: e.tradingsymbol, tick_size: e.tickSize ?? 0.05, lot_size: e.lotSize ?? 1, last_price: e.lastPrice ?? 0 });
  for (const i of spec.indices ?? []) row(i.tradingsymbol, 'INDICES', { name: i.name, tick_size: 0, lot_size: 0, instrument_type: 'EQ', segment: 'INDICES' });
  for (const d of spec.derivatives ?? []) {
    const [y, m] = d.expiry.split('-');
    const stem = `${d.name}${y.slice(2)}${MONTHS[Number(m) - 1]}`;
    const base = { name: d.name, expiry: d.expiry, tick_size: d.tickSize ?? 0.05, lot_size: d.lotSize };
    row(`${stem}FUT`, 'NFO', { ...base, instrument_type: 'FUT', segment: 'NFO-FUT', exchange: 'NFO' });
    for (const strike of d.strikes ?? []) {
      for (const type of ['CE', 'PE']) row(`${stem}${strike}${type}`, 'NFO', { ...base, strike, instrument_type: type, segment: 'NFO-OPT', exchange: 'NFO' });
    }
  }
  return rows;
}

/** The CSV text Kite serves (header line, then the rows; no quoting is needed for these values). */
export function kiteInstrumentsCsv(rows: readonly KiteInstrumentRow[]): string {
  return [KITE_INSTRUMENT_COLUMNS.join(','), ...rows.map((r) => KITE_INSTRUMENT_COLUMNS.map((c) => String(r[c])).join(','))].join('\n') + '\n';
}
