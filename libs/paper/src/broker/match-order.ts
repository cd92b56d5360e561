import {
  applyBasisPoints,
  CHARGE_SCHEDULES,
  createMarketCalendar,
  DAY_EXPIRY_REASON,
  expiredAtClose,
  fillChargesPaise,
  InvalidCommand,
  IOC_EXPIRY_REASON,
  isWorking,
  marketPhase,
  stopTriggerReached,
  toIst,
  type ChargeSchedule,
  type IsoInstant,
  type MarketCalendar,
  type OrderStatus,
  type OrderType,
  type Paise,
  type Product,
  type Segment,
  type Side,
  type Validity,
} from '@robo/domain';
import type { Quote } from '@robo/market-data';
import { deterministicId } from '../ids';

/** The order as the paper broker needs it; the domain's order state (ExistingOrder) fits it as it is. */
export interface MatchableOrder {
  orderId: string;
  status: OrderStatus;
  side: Side;
  orderType: OrderType;
  quantity: number;
  filledQuantity: number;
  limitPricePaise: Paise | null;
  triggerPricePaise: Paise | null;
  product: Product;
  validity: Validity;
  /** Fills so far; their count numbers the next fill id. */
  fillIds: readonly string[];
  filledValuePaise: Paise;
  feesPaise: Paise;
  placedAt: IsoInstant;
}

export interface MatchOptions {
  /** Business time of the match (the quote's time, or the session clock's). */
  now: IsoInstant;
  /** Extra cost of a MARKET order over the touch, in basis points of the price, rounded up to whole ticks. */
  slippageBps: number;
  /** Share of the step's traded volume a LIMIT order may take, in (0, 1]. */
  maxFillFractionOfVolume: number;
  instrument: { segment: Segment; tickSizePaise: Paise; lotSize: number };
  /** Charge schedules (rates as configuration); the domain's bundled ones when omitted. */
  chargeSchedules?: readonly ChargeSchedule[];
  /** Orders match only in the normal market of this calendar; the domain's default NSE calendar when omitted. */
  calendar?: MarketCalendar;
}

export interface PaperFill {
  /** `<orderId>:p<n>` for the order's n-th fill: the same step run twice reports the same fill id (a no-op). */
  fillId: string;
  quantity: number;
  pricePaise: Paise;
  feesPaise: Paise;
  occurredAt: IsoInstant;
}

/**
 * What happened to one order against one quote, in the order to record it: trigger (TriggerOrder), then fills
 * (ReportFill), then expire (ExpireOrder). An IOC order that fills in part needs no expire: the domain expires its
 * rest together with the fill. `expire` is set only when an ExpireOrder command is needed.
 */
export interface MatchResult {
  trigger?: { lastPricePaise: Paise; at: IsoInstant };
  fills: PaperFill[];
  expire?: { reason: string };
}

// Plain data, built once: the bundled holiday list.
const DEFAULT_CALENDAR = createMarketCalendar();

/**
 * Paper execution rules (one call per order per quote):
 * - Only working orders match (the domain's isWorking), and only in the normal market (OPEN phase). A DAY order
 *   whose session has closed expires (the domain's expiredAtClose).
 * - SL and SL-M wait for the trigger (the domain's stopTriggerReached). Once fired, SL works as LIMIT and SL-M as MARKET in the same call.
 * - MARKET: the whole open quantity fills at once at the touch (ask for a buy, bid for a sell) moved against the
 *   trader by the slippage, rounded up to whole ticks: slippage stands for walking the book, so volume does not
 *   limit a market order.
 * - LIMIT: fills when the touch crosses the limit (BUY: ask <= limit; SELL: bid >= limit) at the touch, which is
 *   the limit or better; at most maxFillFractionOfVolume x the step's volume, in whole lots, so a large order
 *   fills over several steps (partial fills). No volume, no fill.
 * - IOC: what cannot fill at once expires (with a fill, the domain expires the rest itself).
 * - Fees: the domain's charges of a fill (fillChargesPaise: the order's cumulative turnover minus what is booked).
 */
export function matchOrder(order: MatchableOrder, quote: Quote | null, options: MatchOptions): MatchResult {
  checkOptions(options);
  const none: MatchResult = { fills: [] };
  if (!isWorking(order.status)) return none;
  if (expiredAtClose(order, options.now)) return { fills: [], expire: { reason: DAY_EXPIRY_REASON } };
  // Pre-open, the closing session and closed days have no continuous trading to fill against.
  if (marketPhase(options.now, options.calendar ?? DEFAULT_CALENDAR).phase !== 'OPEN') return none;

  let trigger: MatchResult['trigger'];
  let type: 'MARKET' | 'LIMIT' = order.orderType === 'MARKET' || order.orderType === 'SL-M' ? 'MARKET' : 'LIMIT';
  if (order.status === 'TRIGGER_PENDING') {
    if (quote === null || order.triggerPricePaise === null || !stopTriggerReached(order.side, quote.lastPaise, order.triggerPricePaise)) return none;
    trigger = { lastPricePaise: quote.lastPaise, at: options.now };
    type = order.orderType === 'SL-M' ? 'MARKET' : 'LIMIT';
  }
  const withTrigger = (result: MatchResult): MatchResult => (trigger ? { trigger, ...result } : result);
  const expireIoc = (): MatchResult => withTrigger(order.validity === 'IOC' ? { fills: [], expire: { reason: IOC_EXPIRY_REASON } } : none);
  if (quote === null) return expireIoc();

  const remaining = order.quantity - order.filledQuantity;
  const { tickSizePaise: tick, lotSize } = options.instrument;
  let quantity: number;
  let pricePaise: Paise;
  if (type === 'MARKET') {
    const touch = order.side === 'BUY' ? quote.askPaise : quote.bidPaise;
    const slip = Math.ceil(applyBasisPoints(touch, options.slippageBps) / tick) * tick;
    pricePaise = order.side === 'BUY' ? touch + slip : Math.max(tick, touch - slip);
    quantity = remaining;
  } else {
    const limit = order.limitPricePaise;
    const crosses = limit !== null && (order.side === 'BUY' ? quote.askPaise <= limit : quote.bidPaise >= limit);
    if (!crosses) return expireIoc();
    pricePaise = order.side === 'BUY' ? quote.askPaise : quote.bidPaise;
    const available = Math.floor((quote.volume * options.maxFillFractionOfVolume) / lotSize) * lotSize;
    quantity = Math.min(remaining, available);
    if (quantity <= 0) return expireIoc();
  }
  const fill: PaperFill = {
    fillId: deterministicId(order.orderId, `p${order.fillIds.length + 1}`),
    quantity,
    pricePaise,
    feesPaise: fillChargesPaise(order, options.instrument.segment, { quantity, pricePaise, occurredAt: options.now }, options.chargeSchedules ?? CHARGE_SCHEDULES),
    occurredAt: options.now,
  };
  return withTrigger({ fills: [fill] });
}

function checkOptions(options: MatchOptions): void {
  const problems: string[] = [];
  if (!Number.isFinite(options.slippageBps) || options.slippageBps < 0) problems.push('slippageBps must be a non-negative number');
  const fraction = options.maxFillFractionOfVolume;
  if (!Number.isFinite(fraction) || fraction <= 0 || fraction > 1) problems.push('maxFillFractionOfVolume must be in (0, 1]');
  const { tickSizePaise, lotSize } = options.instrument;
  if (!Number.isSafeInteger(tickSizePaise) || tickSizePaise <= 0 || !Number.isSafeInteger(lotSize) || lotSize <= 0) problems.push('tick and lot size must be positive integers');
  toIst(options.now);
  if (problems.length > 0) throw new InvalidCommand('PAPER_BROKER_CONFIG_INVALID', `paper broker: ${problems.join('; ')}`, { problems });
}
