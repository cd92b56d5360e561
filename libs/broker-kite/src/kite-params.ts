import { createHash } from 'node:crypto';
import type { IsoInstant, Paise } from '@robo/domain';
import type { BrokerOrder, BrokerOrderChanges } from '@robo/paper';

/** Kite Connect's order tag: at most 20 alphanumeric characters. */
export const KITE_TAG_MAX = 20;

/**
 * The tag that ties a Kite order to ours: `rt` and the first 18 hex digits of sha256(our order id). Deterministic,
 * so after a crash between Kite accepting an order and our event being written the order is found again by its
 * tag (never placed twice); 72 bits make a collision between two of our orders negligible.
 */
export function kiteTagOf(orderId: string): string {
  return `rt${createHash('sha256').update(orderId).digest('hex').slice(0, KITE_TAG_MAX - 2)}`;
}

/** Where an instrument of ours trades on Kite (exchange and Kite's trading symbol). */
export interface KiteInstrumentRef {
  exchange: 'NSE' | 'NFO' | 'BSE';
  tradingsymbol: string;
}

/** Maps our instrument symbols to Kite's; null when it cannot be routed. */
export type KiteInstrumentResolver = (symbol: string) => KiteInstrumentRef | null;

/**
 * Equities only: our symbol is the NSE trading symbol. Derivatives need Kite's instrument master (weekly and
 * monthly contracts are spelled differently there), which is not loaded yet: they are refused.
 */
export const equityResolver: KiteInstrumentResolver = (symbol) => (/^[A-Z][A-Z0-9&-]*$/.test(symbol) ? { exchange: 'NSE', tradingsymbol: symbol } : null);

/** Our instrument for a Kite exchange and trading symbol (the inverse of equityResolver; others keep Kite's own name). */
export function instrumentOfKite(exchange: string, tradingsymbol: string): string {
  return exchange === 'NSE' ? tradingsymbol : `${exchange}:${tradingsymbol}`;
}

/** Paise to Kite's rupee numbers (two decimals, exact for integer paise). */
export function paiseToRupees(paise: Paise): number {
  return Math.round(paise) / 100;
}

/** Kite's rupee numbers to paise. */
export function rupeesToPaise(rupees: number): Paise {
  return Math.round(rupees * 100);
}

export interface KitePlaceParams {
  exchange: KiteInstrumentRef['exchange'];
  tradingsymbol: string;
  transaction_type: 'BUY' | 'SELL';
  quantity: number;
  product: 'CNC' | 'MIS' | 'NRML';
  order_type: 'MARKET' | 'LIMIT' | 'SL' | 'SL-M';
  validity: 'DAY' | 'IOC' | 'TTL';
  validity_ttl?: number;
  price?: number;
  trigger_price?: number;
  tag: string;
}

/** The parameters of `POST /orders/regular` for one of our orders. */
export function toKitePlaceParams(order: BrokerOrder, instrument: KiteInstrumentRef): KitePlaceParams {
  const params: KitePlaceParams = {
    exchange: instrument.exchange,
    tradingsymbol: instrument.tradingsymbol,
    transaction_type: order.side,
    quantity: order.quantity,
    product: order.product,
    order_type: order.orderType,
    validity: order.validity,
    tag: kiteTagOf(order.orderId),
  };
  if (order.validity === 'TTL') {
    if (!order.validityTtlMinutes || !Number.isInteger(order.validityTtlMinutes) || order.validityTtlMinutes < 1) {
      throw new Error(`order ${order.orderId}: TTL validity needs whole minutes (validityTtlMinutes)`);
    }
    params.validity_ttl = order.validityTtlMinutes;
  }
  if (order.orderType === 'LIMIT' || order.orderType === 'SL') params.price = paiseToRupees(requirePrice(order.limitPricePaise, 'limit', order.orderId));
  if (order.orderType === 'SL' || order.orderType === 'SL-M') params.trigger_price = paiseToRupees(requirePrice(order.triggerPricePaise, 'trigger', order.orderId));
  return params;
}

/** The parameters of `PUT /orders/regular/:id` for a modification (only what changes). */
export function toKiteModifyParams(changes: BrokerOrderChanges): Record<string, string | number> {
  const params: Record<string, string | number> = {};
  if (changes.quantity !== undefined) params.quantity = changes.quantity;
  if (changes.orderType !== undefined) params.order_type = changes.orderType;
  if (changes.limitPricePaise !== undefined && changes.limitPricePaise !== null) params.price = paiseToRupees(changes.limitPricePaise);
  if (changes.triggerPricePaise !== undefined && changes.triggerPricePaise !== null) params.trigger_price = paiseToRupees(changes.triggerPricePaise);
  return params;
}

function requirePrice(paise: Paise | null, what: string, orderId: string): Paise {
  if (paise === null || !Number.isSafeInteger(paise) || paise <= 0) throw new Error(`order ${orderId}: a ${what} price is required`);
  return paise;
}

const KITE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * Kite's timestamps are IST wall-clock times without a zone (`2026-12-07 09:15:02`). The official client turns the
 * REST ones into `Date`s read in the process's own zone; a ticker frame or a postback keeps the string. Both come
 * back here as the instant they mean.
 */
export function kiteTimeToInstant(value: string | Date | null | undefined): IsoInstant | null {
  if (value === null || value === undefined) return null;
  let parts: number[];
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    parts = [value.getFullYear(), value.getMonth() + 1, value.getDate(), value.getHours(), value.getMinutes(), value.getSeconds()];
  } else {
    const m = KITE_TIME.exec(value);
    if (!m) return null;
    parts = m.slice(1).map(Number);
  }
  const [y, mo, d, h, mi, s] = parts;
  const utcMs = Date.UTC(y, mo - 1, d, h, mi, s) - 330 * 60_000;
  return new Date(utcMs).toISOString();
}
