import { assertNever, InvalidCommand } from '../common/errors';
import type { Paise, Product, Side } from '../common/types';
import type { Segment } from '../instruments/instrument';
import type { ChargeSchedule } from './charge-schedule';
import { divideRoundHalfAwayFromZero, isPositiveSafeInt, toSafeNumber } from './money';

export interface ChargeableTrade {
  side: Side;
  product: Product;
  segment: Segment;
  quantity: number;
  /** Price per unit (the premium for options). */
  pricePaise: Paise;
}

export interface Charges {
  brokeragePaise: Paise;
  sttPaise: Paise;
  exchangePaise: Paise;
  sebiPaise: Paise;
  stampPaise: Paise;
  gstPaise: Paise;
  totalPaise: Paise;
}

/** Which rate column of a schedule a trade falls under. */
type TradeKind = 'DELIVERY' | 'INTRADAY' | 'FUTURES' | 'OPTIONS';

/**
 * Charges of one executed trade, all integer paise.
 * Each component is rounded to the nearest paisa on its own (half away from zero), as a contract
 * note shows them line by line; GST is then 18% of the rounded brokerage + exchange + SEBI lines,
 * rounded the same way. Brokerage is "per executed order": call this once per order execution,
 * not once per partial fill, when the flat/capped amount must not repeat.
 */
export function computeCharges(trade: ChargeableTrade, schedule: ChargeSchedule): Charges {
  if (!isPositiveSafeInt(trade.quantity)) throw new InvalidCommand('QUANTITY_INVALID', 'quantity must be a positive integer');
  if (!isPositiveSafeInt(trade.pricePaise)) throw new InvalidCommand('PRICE_INVALID', 'price must be a positive integer (paise)');
  const turnover = trade.quantity * trade.pricePaise;
  if (!Number.isSafeInteger(turnover)) throw new InvalidCommand('AMOUNT_INVALID', 'turnover is beyond the safe integer range');

  const kind = tradeKind(trade.segment, trade.product);
  const buy = trade.side === 'BUY';
  const bp = (rateBp: number) => applyBasisPoints(turnover, rateBp);
  const { brokerage, stt, exchange, stamp } = schedule;

  const brokeragePaise = brokerageFor(kind, turnover, brokerage);
  const sttPaise = pick(kind, {
    DELIVERY: bp(stt.deliveryBp),
    INTRADAY: buy ? 0 : bp(stt.intradaySellBp),
    FUTURES: buy ? 0 : bp(stt.futuresSellBp),
    OPTIONS: buy ? 0 : bp(stt.optionsSellBp),
  });
  const exchangePaise = pick(kind, {
    DELIVERY: bp(exchange.equityBp),
    INTRADAY: bp(exchange.equityBp),
    FUTURES: bp(exchange.futuresBp),
    OPTIONS: bp(exchange.optionsBp),
  });
  const sebiPaise = bp(schedule.sebiBp);
  const stampPaise = !buy
    ? 0
    : pick(kind, {
        DELIVERY: bp(stamp.deliveryBuyBp),
        INTRADAY: bp(stamp.intradayBuyBp),
        FUTURES: bp(stamp.futuresBuyBp),
        OPTIONS: bp(stamp.optionsBuyBp),
      });
  const gstPaise = applyBasisPoints(brokeragePaise + exchangePaise + sebiPaise, schedule.gstBp);
  const totalPaise = brokeragePaise + sttPaise + exchangePaise + sebiPaise + stampPaise + gstPaise;
  return { brokeragePaise, sttPaise, exchangePaise, sebiPaise, stampPaise, gstPaise, totalPaise };
}

function tradeKind(segment: Segment, product: Product): TradeKind {
  switch (segment) {
    case 'EQ':
      if (product === 'CNC') return 'DELIVERY';
      if (product === 'MIS') return 'INTRADAY';
      break;
    case 'FUT':
      if (product !== 'CNC') return 'FUTURES';
      break;
    case 'OPT':
      if (product !== 'CNC') return 'OPTIONS';
      break;
    default:
      return assertNever(segment);
  }
  throw new InvalidCommand('PRODUCT_NOT_ALLOWED', `product ${product} does not apply to segment ${segment}`, { segment, product });
}

function brokerageFor(kind: TradeKind, turnover: Paise, rates: ChargeSchedule['brokerage']): Paise {
  switch (kind) {
    case 'DELIVERY':
      return applyBasisPoints(turnover, rates.deliveryBp);
    case 'INTRADAY':
    case 'FUTURES':
      return Math.min(applyBasisPoints(turnover, rates.percentBp), rates.capPaise);
    case 'OPTIONS':
      return rates.optionsFlatPaise;
    default:
      return assertNever(kind);
  }
}

/** Makes every kind's value explicit at the call site, so a new kind cannot silently fall through. */
function pick(kind: TradeKind, values: Record<TradeKind, Paise>): Paise {
  return values[kind];
}

/** round(amount x rateBp / 10000), half away from zero, with the rate taken as an exact decimal. */
export function applyBasisPoints(amount: Paise, rateBp: number): Paise {
  const { numerator, denominator } = exactDecimal(rateBp);
  return toSafeNumber(divideRoundHalfAwayFromZero(BigInt(amount) * numerator, denominator * 10_000n));
}

/**
 * The decimal a JSON number was written as, as an exact fraction: 0.345 -> 345/1000.
 * String(n) gives the shortest text that reads back as n, which is what the schedule file says.
 */
function exactDecimal(value: number): { numerator: bigint; denominator: bigint } {
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(String(value));
  if (!match || !Number.isFinite(value)) throw new RangeError(`not a non-negative decimal rate: ${value}`);
  const [, whole, fraction = '', exponent = '0'] = match;
  const scale = fraction.length - Number(exponent);
  const digits = BigInt(whole + fraction);
  return scale >= 0 ? { numerator: digits, denominator: 10n ** BigInt(scale) } : { numerator: digits * 10n ** BigInt(-scale), denominator: 1n };
}
