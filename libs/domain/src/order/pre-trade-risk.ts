import { assertNever } from '../common/errors';
import { formatRupees as rupees } from '../common/rupees';
import type { OrderType, Paise, Product, Side } from '../common/types';
import type { Instrument } from '../instruments/instrument';
import { istTradingDay } from '../market/ist';
import { isMisCutoffPassed, marketPhase } from '../market/market-calendar';
import type { RiskContext } from './order.commands';
import type { RiskReasonCode } from './order.events';

/** The order as the risk check sees it: for a modification, `quantity` is the new open quantity. */
export interface PreTradeOrder {
  side: Side;
  quantity: number;
  orderType: OrderType;
  limitPricePaise: Paise | null;
  triggerPricePaise: Paise | null;
  product: Product;
}

export type PreTradeResult = { ok: true; reservedPaise: Paise } | { ok: false; code: RiskReasonCode; reason: string };

export interface PreTradeOptions {
  /** A resting order may be modified in any phase (cancel/modify windows are the broker's business). */
  skipMarketPhase?: boolean;
}

type Rule = (order: PreTradeOrder, risk: RiskContext) => string | null;
const reject = (code: RiskReasonCode, reason: string): PreTradeResult => ({ ok: false, code, reason });

/**
 * Pure pre-trade risk check. Rules run in a fixed order and the first failure is the answer, so
 * the reason code is deterministic. The caller supplies everything outside the order stream.
 */
export function checkPreTrade(order: PreTradeOrder, risk: RiskContext, options: PreTradeOptions = {}): PreTradeResult {
  const { account, instrument } = risk;
  // Kill switch: a halted account places and changes nothing, exits included. Unlike the daily loss limit, which
  // fires by itself, a halt is an explicit human stop (a runaway strategy, a broker or data incident): whoever
  // halted decides what to flatten and resumes trading for it; an automatic exit could be the very thing misbehaving.
  if (account.halted) return reject('TRADING_HALTED', 'trading is halted for this account');
  if (!options.skipMarketPhase) {
    const closed = marketClosedReason(order, instrument, risk);
    if (closed) return reject(closed.code, closed.reason);
  }
  const rules: readonly [RiskReasonCode, Rule][] = [
    ['INSTRUMENT_EXPIRED', expired],
    ['PRODUCT_NOT_ALLOWED', productNotAllowed],
    ['MIS_CUTOFF_PASSED', misCutoff],
    ['LOT_SIZE_MISMATCH', lotMismatch],
    ['PRICE_NOT_ON_TICK', offTick],
    ['ORDER_VALUE_LIMIT', overValueLimit],
    ['DAILY_LOSS_LIMIT', dailyLossHit],
    ['POSITION_LIMIT', overPositionLimit],
    ['INSUFFICIENT_HOLDINGS', notHeld],
  ];
  for (const [code, rule] of rules) {
    const reason = rule(order, risk);
    if (reason !== null) return reject(code, reason);
  }
  // Buying power already excludes every other open order's reservation (see RiskContext). An order that reserves
  // nothing (a sell of shares held) is never refused for funds: buying power can fall below zero when a fill costs
  // more than its reservation (slippage, charges), and the exit must still be possible.
  const reservedPaise = requiredReservation(order, risk);
  if (reservedPaise > 0 && reservedPaise > account.buyingPowerPaise) {
    return reject('INSUFFICIENT_FUNDS', `needs ${rupees(reservedPaise)}, buying power is ${rupees(account.buyingPowerPaise)}`);
  }
  return { ok: true, reservedPaise };
}

/**
 * Orders are taken in the normal market only, except that the pre-open order-entry window
 * (09:00-09:08) takes equity MARKET and LIMIT orders, as NSE's pre-open call auction does.
 * The closing session (15:40-16:00) trades at the closing price only, so it takes no new orders here.
 */
function marketClosedReason(order: PreTradeOrder, instrument: Instrument, risk: RiskContext): { code: RiskReasonCode; reason: string } | null {
  const at = marketPhase(risk.now, risk.calendar);
  const when = `${at.istDate} ${at.istTime} IST`;
  switch (at.phase) {
    case 'OPEN':
      return null;
    case 'PRE_OPEN':
      if (instrument.segment === 'EQ' && (order.orderType === 'MARKET' || order.orderType === 'LIMIT')) return null;
      return { code: 'MARKET_CLOSED', reason: `pre-open at ${when} takes only equity MARKET and LIMIT orders` };
    case 'CLOSING':
      return { code: 'MARKET_CLOSED', reason: `closing session at ${when} takes no new orders` };
    case 'CLOSED':
      switch (at.closedReason) {
        case 'WEEKEND':
          return { code: 'MARKET_CLOSED_WEEKEND', reason: `market closed for the weekend at ${when}` };
        case 'HOLIDAY':
          return { code: 'MARKET_CLOSED_HOLIDAY', reason: `market closed for a holiday on ${at.istDate}` };
        case 'OUTSIDE_HOURS':
        case undefined:
          return { code: 'MARKET_CLOSED', reason: `market closed at ${when}` };
        default:
          return assertNever(at.closedReason);
      }
    default:
      return assertNever(at.phase);
  }
}

/** A contract trades up to and including its expiry day (IST). */
const expired: Rule = (_order, { instrument, now }) => {
  const today = istTradingDay(now);
  return instrument.expiry !== null && instrument.expiry < today ? `${instrument.symbol} expired on ${instrument.expiry}` : null;
};

/** CNC is delivery, which only equities have; NRML carries F&O overnight; MIS (intraday) is for all. */
const productNotAllowed: Rule = ({ product }, { instrument }) => {
  const { segment } = instrument;
  switch (product) {
    case 'CNC':
      return segment === 'EQ' ? null : `CNC is for equity delivery, not ${segment}`;
    case 'NRML':
      return segment === 'FUT' || segment === 'OPT' ? null : 'NRML is for futures and options only';
    case 'MIS':
      return null;
    default:
      return assertNever(product);
  }
};

/**
 * New intraday exposure is refused once the broker's square-off time for the segment has come. Orders that only
 * reduce the position stay allowed: the square-off itself is such an order, and so is a trader closing by hand.
 */
const misCutoff: Rule = (order, risk) =>
  order.product === 'MIS' && isMisCutoffPassed(risk.now, risk.instrument.segment, risk.calendar) && !onlyReduces(order, risk)
    ? `MIS orders that add exposure close at the ${risk.instrument.segment} cut-off`
    : null;

/** Exchanges trade whole lots only. */
const lotMismatch: Rule = ({ quantity }, { instrument: { lotSize } }) =>
  quantity % lotSize === 0 ? null : `quantity ${quantity} is not a multiple of the lot size ${lotSize}`;

/** Limit and trigger prices must sit on the instrument's tick grid. */
const offTick: Rule = ({ limitPricePaise, triggerPricePaise }, { instrument: { tickSizePaise } }) => {
  for (const price of [limitPricePaise, triggerPricePaise]) {
    if (price !== null && price % tickSizePaise !== 0) return `price ${rupees(price)} is not a multiple of the tick ${rupees(tickSizePaise)}`;
  }
  return null;
};

/** Fat-finger guard: quantity x valuation price may not exceed the account's per-order limit. */
const overValueLimit: Rule = (order, risk) => {
  const value = order.quantity * valuationPrice(order, risk.referencePricePaise);
  if (!Number.isSafeInteger(value)) return 'order value is beyond any limit';
  const max = risk.account.maxOrderValuePaise;
  return max !== null && value > max ? `order value ${rupees(value)} is above the limit of ${rupees(max)}` : null;
};

/**
 * Once the day's realized loss reaches the limit, no order that day may add exposure. Orders that only reduce or
 * close the position stay allowed: refusing them would trap the trader in the losing position the limit is there
 * to cut.
 */
const dailyLossHit: Rule = (order, risk) => {
  const { dailyLossLimitPaise: limit, realizedTodayPaise } = risk.account;
  if (limit === null || realizedTodayPaise > -limit || onlyReduces(order, risk)) return null;
  return `realized ${rupees(realizedTodayPaise)} today reaches the daily loss limit of ${rupees(limit)}; only orders that reduce the position are taken`;
};

/**
 * True when the whole order closes part of the position that is held and not already being closed by other
 * working orders of the same side: a sell within the held long minus the other working sells, a buy within the held
 * short minus the other working buys. Working orders of the other side never count: an open buy is not a long
 * until it fills (and may be cancelled), so it neither makes a sell an exit nor covers it.
 */
function onlyReduces(order: PreTradeOrder, risk: RiskContext): boolean {
  return order.quantity <= closable(order.side, risk);
}

/**
 * How much of the held position an order of `side` can close: for a sell, the held long not already being sold by
 * the account's other working sells; for a buy, the held short not already being bought back. Never negative.
 */
export function closable(side: Side, risk: Pick<RiskContext, 'positionQuantity' | 'openBuyQuantity' | 'openSellQuantity'>): number {
  switch (side) {
    case 'SELL':
      return Math.max(0, risk.positionQuantity - risk.openSellQuantity);
    case 'BUY':
      return Math.max(0, -risk.positionQuantity - risk.openBuyQuantity);
    default:
      return assertNever(side);
  }
}

/**
 * The position if this order and every other working order of the same side filled may not exceed the limit, long
 * or short. Orders of the other side do not offset: they may be cancelled, or fill after this one.
 */
const overPositionLimit: Rule = (order, risk) => {
  const max = risk.account.maxPositionQuantity;
  if (max === null) return null;
  const projected =
    order.side === 'BUY' ? risk.positionQuantity + risk.openBuyQuantity + order.quantity : risk.positionQuantity - risk.openSellQuantity - order.quantity;
  return Math.abs(projected) > max ? `projected position ${projected} exceeds the limit of ${max}` : null;
};

/** Delivery sells need shares that are held and not already being sold by other working sells (open buys are not holdings). */
const notHeld: Rule = (order, risk) => {
  if (order.product !== 'CNC' || order.side !== 'SELL') return null;
  const available = closable('SELL', risk);
  return order.quantity > available ? `selling ${order.quantity} but only ${available} held and not already being sold` : null;
};

/**
 * The price an order is valued at before it fills: its limit when it has one (LIMIT, SL), the
 * reference price for MARKET, and for SL-M the worse of trigger and reference for a buy (a buy stop
 * fires at or above its trigger) and the reference for a sell.
 */
export function valuationPrice(order: Pick<PreTradeOrder, 'orderType' | 'side' | 'limitPricePaise' | 'triggerPricePaise'>, referencePricePaise: Paise): Paise {
  switch (order.orderType) {
    case 'LIMIT':
    case 'SL':
      return order.limitPricePaise ?? referencePricePaise;
    case 'MARKET':
      return referencePricePaise;
    case 'SL-M':
      return order.side === 'BUY' ? Math.max(order.triggerPricePaise ?? 0, referencePricePaise) : referencePricePaise;
    default:
      return assertNever(order.orderType);
  }
}

/**
 * Buying power to hold (the margin rule, see docs/domain.md "Funds reservation"): a buy holds its full value; a sell
 * holds the full value of the units that open or grow a short, i.e. beyond the long that is held and not already
 * being sold by other working sells. Open buys never cover a sell: they hold no shares yet and may be cancelled.
 */
export function requiredReservation(order: PreTradeOrder, risk: Pick<RiskContext, 'positionQuantity' | 'openBuyQuantity' | 'openSellQuantity' | 'referencePricePaise'>): Paise {
  const price = valuationPrice(order, risk.referencePricePaise);
  switch (order.side) {
    case 'BUY':
      return order.quantity * price;
    case 'SELL': {
      const heldNotBeingSold = closable('SELL', risk);
      return Math.max(0, order.quantity - heldNotBeingSold) * price;
    }
    default:
      return assertNever(order.side);
  }
}
