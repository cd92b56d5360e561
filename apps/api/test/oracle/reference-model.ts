/**
 * The oracle's reference model: what a trading session must produce, written plainly from the README
 * ("Positions", "Portfolio", the endpoints and errors) and /DOMAIN facts (charges, P&L, funds), with no import of
 * the domain's position, P&L, charges, funds or statistics code. Money is integer paise throughout.
 */

export type Side = 'BUY' | 'SELL';
export type OrderType = 'MARKET' | 'LIMIT' | 'SL' | 'SL-M';
export type Product = 'CNC' | 'MIS' | 'NRML';
export type Validity = 'DAY' | 'IOC';
export type Segment = 'EQ' | 'FUT';
export type OrderStatus = 'OPEN' | 'TRIGGER_PENDING' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELLED' | 'EXPIRED' | 'REJECTED';

export interface Instrument {
  symbol: string;
  segment: Segment;
  /** Lot size the model expects (DOMAIN.md); generated quantities are multiples of `quantityStep`. */
  lotSize: number;
  quantityStep: number;
  tickPaise: number;
  /**
   * A plausible price the generator trades around; also the instrument's reference price in the catalog, which
   * values MARKET and SL-M orders while no market price has been recorded (the oracle runs without a feed).
   */
  basePaise: number;
}

/**
 * The market prices recorded so far (MarketPricesRecorded, as the feed records them), by instrument: the price
 * positions are marked at and MARKET / SL-M orders are valued at. Shared by every session of one app.
 */
export const marketPrices = new Map<string, number>();

/** The reference price of a pre-trade check: the last recorded market price, else the catalog's. */
export function referencePrice(instrument: Instrument): number {
  return marketPrices.get(instrument.symbol) ?? instrument.basePaise;
}

/** NSE tick 5 paise; NIFTY futures for 2026 expiries: lot 65 (DOMAIN.md), quantities in steps of 975 = lcm(65, 75). */
export const INSTRUMENTS: readonly Instrument[] = [
  { symbol: 'RELIANCE', segment: 'EQ', lotSize: 1, quantityStep: 1, tickPaise: 5, basePaise: 148_000 },
  { symbol: 'INFY', segment: 'EQ', lotSize: 1, quantityStep: 1, tickPaise: 5, basePaise: 150_000 },
  { symbol: 'ITC', segment: 'EQ', lotSize: 1, quantityStep: 1, tickPaise: 5, basePaise: 40_500 },
  { symbol: 'NIFTY 2026-12-29 FUT', segment: 'FUT', lotSize: 65, quantityStep: 975, tickPaise: 5, basePaise: 2_600_000 },
];

// ---------------------------------------------------------------------------------------------------------------
// Money helpers

/** round(numerator / denominator), half away from zero, exact (BigInt). */
export function roundDiv(numerator: bigint, denominator: bigint): number {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let q = n / d;
  if (2n * (n % d) >= d) q += 1n;
  return Number(negative ? -q : q);
}

/** amount x part / whole in whole paise (README: "pro rata in whole paise"); the whole remainder when part = whole. */
export function proRata(amount: number, part: number, whole: number): number {
  if (part === whole) return amount;
  return roundDiv(BigInt(amount) * BigInt(part), BigInt(whole));
}

/** A rate written as a decimal number of basis points, applied to an amount, rounded to the paisa. */
function bp(amount: number, rateBp: string): number {
  const [whole, fraction = ''] = rateBp.split('.');
  const numerator = BigInt(whole + fraction);
  const denominator = 10n ** BigInt(fraction.length) * 10_000n;
  return roundDiv(BigInt(amount) * numerator, denominator);
}

// ---------------------------------------------------------------------------------------------------------------
// Charges (DOMAIN.md "Charges on an Indian trade", rates in force from 2024-10-01)

export interface ChargeLines {
  brokerage: number;
  stt: number;
  exchange: number;
  sebi: number;
  stamp: number;
  gst: number;
  total: number;
}

/**
 * Charges of one executed order on its cumulative turnover (brokerage is per executed order, never once per part).
 * Each line is rounded to the paisa half away from zero, GST is 18% of the rounded brokerage + exchange + SEBI lines.
 * - brokerage: 0.03% or Rs 20 per executed order, whichever is lower, for intraday and futures; equity delivery: 0
 *   (the discount-broker plan the README's schedule follows; DOMAIN.md names no delivery rate)
 * - STT: 0.1% both sides of delivery; 0.025% on intraday sells; 0.02% on futures sells
 * - NSE transaction charge: Rs 2.97 per lakh (0.297 bp) cash, Rs 1.73 per lakh (0.173 bp) futures
 * - SEBI: Rs 10 per crore (0.01 bp)
 * - stamp: 0.015% delivery buys, 0.003% intraday buys, futures buys 0.002% (not in DOMAIN.md: the statutory rate)
 */
export function orderCharges(segment: Segment, product: Product, side: Side, turnoverPaise: number): ChargeLines {
  if (turnoverPaise === 0) return { brokerage: 0, stt: 0, exchange: 0, sebi: 0, stamp: 0, gst: 0, total: 0 };
  const buy = side === 'BUY';
  const delivery = segment === 'EQ' && product === 'CNC';
  const futures = segment === 'FUT';
  const brokerage = delivery ? 0 : Math.min(bp(turnoverPaise, '3'), 2_000);
  const stt = delivery ? bp(turnoverPaise, '10') : buy ? 0 : futures ? bp(turnoverPaise, '2') : bp(turnoverPaise, '2.5');
  const exchange = futures ? bp(turnoverPaise, '0.173') : bp(turnoverPaise, '0.297');
  const sebi = bp(turnoverPaise, '0.01');
  const stamp = !buy ? 0 : delivery ? bp(turnoverPaise, '1.5') : futures ? bp(turnoverPaise, '0.2') : bp(turnoverPaise, '0.3');
  const gst = bp(brokerage + exchange + sebi, '1800');
  return { brokerage, stt, exchange, sebi, stamp, gst, total: brokerage + stt + exchange + sebi + stamp + gst };
}

// ---------------------------------------------------------------------------------------------------------------
// Positions (README "Positions": average cost, pro rata in whole paise, crossing zero opens a new cycle)

export interface ClosedTrade {
  instrument: string;
  grossPaise: number;
  feesPaise: number;
  netPaise: number;
}

export interface ModelPosition {
  instrument: string;
  quantity: number;
  costBasisPaise: number;
  openFeesPaise: number;
  realizedGrossPaise: number;
  realizedNetPaise: number;
  /** Charges of every fill, all cycles. */
  feesPaise: number;
  /** The open cycle's figures so far. */
  cycle: { grossPaise: number; netPaise: number; feesPaise: number } | null;
  trades: ClosedTrade[];
}

export function newPosition(instrument: string): ModelPosition {
  return { instrument, quantity: 0, costBasisPaise: 0, openFeesPaise: 0, realizedGrossPaise: 0, realizedNetPaise: 0, feesPaise: 0, cycle: null, trades: [] };
}

/** Applies one fill; returns the realized net P&L it caused. */
export function applyFill(p: ModelPosition, side: Side, quantity: number, pricePaise: number, feesPaise: number): number {
  p.feesPaise += feesPaise;
  const direction = side === 'BUY' ? 1 : -1;
  if (p.quantity === 0 || Math.sign(p.quantity) === direction) {
    // open or add: cost and charges accumulate
    if (p.quantity === 0) p.cycle = { grossPaise: 0, netPaise: 0, feesPaise: 0 };
    p.quantity += direction * quantity;
    p.costBasisPaise += quantity * pricePaise;
    p.openFeesPaise += feesPaise;
    p.cycle!.feesPaise += feesPaise;
    return 0;
  }
  const held = Math.abs(p.quantity);
  const closing = Math.min(held, quantity);
  const exitFees = closing === quantity ? feesPaise : proRata(feesPaise, closing, quantity);
  const costClosed = proRata(p.costBasisPaise, closing, held);
  const entryFees = proRata(p.openFeesPaise, closing, held);
  const exitValue = closing * pricePaise;
  const gross = p.quantity > 0 ? exitValue - costClosed : costClosed - exitValue;
  const net = gross - entryFees - exitFees;
  p.realizedGrossPaise += gross;
  p.realizedNetPaise += net;
  p.costBasisPaise -= costClosed;
  p.openFeesPaise -= entryFees;
  p.quantity -= Math.sign(p.quantity) * closing;
  const cycle = p.cycle!;
  cycle.grossPaise += gross;
  cycle.netPaise += net;
  cycle.feesPaise += exitFees;
  if (p.quantity === 0) {
    p.trades.push({ instrument: p.instrument, grossPaise: cycle.grossPaise, feesPaise: cycle.feesPaise, netPaise: cycle.netPaise });
    p.cycle = null;
  }
  const rest = quantity - closing;
  if (rest > 0) {
    const restFees = feesPaise - exitFees;
    p.cycle = { grossPaise: 0, netPaise: 0, feesPaise: restFees };
    p.quantity = direction * rest;
    p.costBasisPaise = rest * pricePaise;
    p.openFeesPaise = restFees;
  }
  return net;
}

// ---------------------------------------------------------------------------------------------------------------
// Orders and accounts

export interface ModelFill {
  fillId: string;
  quantity: number;
  pricePaise: number;
  /** What the fill was reported with (undefined: charges from the schedule). */
  reportedFeesPaise: number | undefined;
  feesPaise: number;
  occurredAt: string;
}

export interface ModelOrder {
  orderId: string;
  account: ModelAccount;
  instrument: Instrument;
  side: Side;
  quantity: number;
  type: OrderType;
  limitPricePaise: number | null;
  triggerPricePaise: number | null;
  product: Product;
  validity: Validity;
  status: OrderStatus;
  rejectCode: string | null;
  filledQuantity: number;
  filledValuePaise: number;
  feesPaise: number;
  fills: ModelFill[];
  /** Buying power the order holds while working; null when the model cannot know it (see reservationOf). */
  reservedPaise: number | null;
  /** The price the order was valued at when it was placed or last modified. */
  valuedAtPaise: number;
  /** Bounds on the business time the order was placed at (clock read before the request and after the answer). */
  placedAfter: number;
  placedBefore: number;
}

export interface ModelAccount {
  index: number;
  accountId: string;
  initialCashPaise: number;
  depositedPaise: number;
  withdrawnPaise: number;
  cashPaise: number;
  positions: Map<string, ModelPosition>;
  orders: ModelOrder[];
}

const WORKING: ReadonlySet<OrderStatus> = new Set(['OPEN', 'TRIGGER_PENDING', 'PARTIALLY_FILLED']);
export const isWorking = (o: ModelOrder): boolean => WORKING.has(o.status);
export const remaining = (o: ModelOrder): number => o.quantity - o.filledQuantity;

export function positionOf(a: ModelAccount, symbol: string): ModelPosition {
  let p = a.positions.get(symbol);
  if (!p) {
    p = newPosition(symbol);
    a.positions.set(symbol, p);
  }
  return p;
}

/** Reserved cash = what the working orders hold; null when one of them holds an amount the model cannot know. */
export function reservedOf(a: ModelAccount): number | null {
  let total = 0;
  for (const o of a.orders) {
    if (!isWorking(o)) continue;
    if (o.reservedPaise === null) return null;
    total += o.reservedPaise;
  }
  return total;
}

/**
 * The price an order is valued at (docs/domain-rules.md, the margin rule): its limit (LIMIT, SL); the reference
 * price for MARKET; the higher of trigger and reference for an SL-M buy, the reference for an SL-M sell.
 */
export function valuation(o: Pick<ModelOrder, 'type' | 'side' | 'limitPricePaise' | 'triggerPricePaise' | 'instrument'>): number {
  const reference = referencePrice(o.instrument);
  if (o.type === 'LIMIT' || o.type === 'SL') return o.limitPricePaise ?? reference;
  if (o.type === 'SL-M' && o.side === 'BUY') return Math.max(o.triggerPricePaise ?? 0, reference);
  return reference;
}

/**
 * What an order must hold: a buy its full open value; a sell only the units beyond the long that
 * is held and not already being sold by other working sells. Open buys never count as cover.
 */
export function requiredReservation(
  a: ModelAccount,
  o: Pick<ModelOrder, 'orderId' | 'instrument' | 'side' | 'type' | 'limitPricePaise' | 'triggerPricePaise'>,
  openQuantity: number,
): number {
  const price = valuation(o);
  if (o.side === 'BUY') return openQuantity * price;
  const uncovered = Math.max(0, openQuantity - coverFor(a, o.instrument.symbol, o.orderId));
  return uncovered * price;
}

/** The held long not already being sold by the account's other working sells. */
export function coverFor(a: ModelAccount, symbol: string, excludeOrderId: string): number {
  const held = a.positions.get(symbol)?.quantity ?? 0;
  const selling = a.orders.filter((x) => x.orderId !== excludeOrderId && isWorking(x) && x.instrument.symbol === symbol && x.side === 'SELL').reduce((s, x) => s + remaining(x), 0);
  return Math.max(0, held - selling);
}

export function buyingPower(a: ModelAccount): number | null {
  const reserved = reservedOf(a);
  return reserved === null ? null : a.cashPaise - reserved;
}

/** Delivery sells need shares held and not already being sold (open buys do not count). */
export function holdingsFor(a: ModelAccount, symbol: string, excludeOrderId: string): number {
  return coverFor(a, symbol, excludeOrderId);
}

/**
 * Charges a fill without feesPaise pays (README walk-through): the schedule's charges on the order's cumulative
 * turnover minus the charges already booked on the order (reported or from the schedule), never below zero.
 */
export function scheduleFeesFor(o: ModelOrder, quantity: number, pricePaise: number): number {
  const after = orderCharges(o.instrument.segment, o.product, o.side, o.filledValuePaise + quantity * pricePaise).total;
  return Math.max(0, after - o.feesPaise);
}

/** Books an accepted fill on order, position and cash. */
export function bookFill(o: ModelOrder, fill: ModelFill): void {
  const a = o.account;
  o.fills.push(fill);
  const openBefore = remaining(o);
  o.filledQuantity += fill.quantity;
  o.filledValuePaise += fill.quantity * fill.pricePaise;
  o.feesPaise += fill.feesPaise;
  const value = fill.quantity * fill.pricePaise;
  a.cashPaise += o.side === 'BUY' ? -value - fill.feesPaise : value - fill.feesPaise;
  const position = positionOf(a, o.instrument.symbol);
  const longBefore = position.quantity;
  applyFill(position, o.side, fill.quantity, fill.pricePaise, fill.feesPaise);
  // What the order still holds: a buy gives back the filled part at the price it was valued at; a wholly uncovered
  // LIMIT or SL sell too; a covered sell holds nothing; a partly covered sell, or a MARKET / SL-M sell (whose
  // valuation is not part of the order): which of its units filled first is not defined by the rules.
  if (o.reservedPaise !== null && o.reservedPaise > 0) {
    const price = o.valuedAtPaise;
    if (o.side === 'BUY') o.reservedPaise -= fill.quantity * price;
    else if ((o.type === 'LIMIT' || o.type === 'SL') && o.reservedPaise === openBefore * price) o.reservedPaise -= fill.quantity * price;
    else o.reservedPaise = null;
  }
  if (remaining(o) === 0) o.status = 'FILLED';
  else if (o.validity === 'IOC') o.status = 'EXPIRED';
  else o.status = 'PARTIALLY_FILLED';
  if (!isWorking(o)) o.reservedPaise = 0;
  // A change of the held long re-evaluates what working sells are covered by: amounts the model cannot pin down.
  if (position.quantity !== longBefore) unsettleSells(a, o.instrument.symbol, o.orderId);
}

/** Other working sells may be re-evaluated when what covers them changes: the model no longer knows what they hold. */
export function unsettleSells(a: ModelAccount, symbol: string, exceptOrderId: string): void {
  for (const x of a.orders) {
    if (x.orderId === exceptOrderId || !isWorking(x) || x.instrument.symbol !== symbol || x.side !== 'SELL') continue;
    x.reservedPaise = null;
  }
}

/**
 * What a holding is worth (DOMAIN.md "Positions and P&L", README walk-through: "RELIANCE at cost"): quantity x the market price when one is recorded; at cost
 * (sign x cost basis, unrealized 0) while none is.
 */
export function marketValueOf(p: ModelPosition): number {
  if (p.quantity === 0) return 0;
  const mark = marketPrices.get(p.instrument);
  return mark === undefined ? Math.sign(p.quantity) * p.costBasisPaise : p.quantity * mark;
}

export function unrealizedOf(p: ModelPosition): number {
  return p.quantity === 0 ? 0 : marketValueOf(p) - Math.sign(p.quantity) * p.costBasisPaise;
}

/** equity = cash + market value. */
export function equityOf(a: ModelAccount): number {
  let value = a.cashPaise;
  for (const p of a.positions.values()) value += marketValueOf(p);
  return value;
}

export function netMoneyIn(a: ModelAccount): number {
  return a.initialCashPaise + a.depositedPaise - a.withdrawnPaise;
}

export function closedTrades(a: ModelAccount): ClosedTrade[] {
  return [...a.positions.values()].flatMap((p) => p.trades);
}
