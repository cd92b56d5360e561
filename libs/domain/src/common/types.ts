/** Money and prices are integer paise (1 rupee = 100 paise). Never floats that later feed money. */
export type Paise = number;
/** An instant as an ISO-8601 string with offset, e.g. `2026-11-20T10:15:00+05:30` or `...Z`. */
export type IsoInstant = string;
/** A calendar date in IST, `YYYY-MM-DD`. */
export type IstDate = string;

export type Side = 'BUY' | 'SELL';
export const SIDES: readonly Side[] = ['BUY', 'SELL'];
export type OrderType = 'MARKET' | 'LIMIT' | 'SL' | 'SL-M';
export const ORDER_TYPES: readonly OrderType[] = ['MARKET', 'LIMIT', 'SL', 'SL-M'];
/** CNC delivery, MIS intraday, NRML overnight F&O. */
export type Product = 'CNC' | 'MIS' | 'NRML';
export const PRODUCTS: readonly Product[] = ['CNC', 'MIS', 'NRML'];
export type Validity = 'DAY' | 'IOC';
export const VALIDITIES: readonly Validity[] = ['DAY', 'IOC'];
