import type { IsoInstant, Paise, Product, Side } from '../common/types';
import type { Segment } from '../instruments/instrument';
import { istTradingDay } from '../market/ist';
import { scheduleFor, type ChargeSchedule } from './charge-schedule';
import { computeCharges, type Charges } from './charges';

/** What an order has executed so far, as far as its charges are concerned. */
export interface ChargeableOrder {
  side: Side;
  product: Product;
  /** Sum of quantity x price over the order's fills so far. */
  filledValuePaise: Paise;
  /** Charges already booked on those fills. */
  feesPaise: Paise;
}

/**
 * Charges of an executed order with this cumulative turnover, from the schedule in force on the IST trading day of
 * `at`. Every line of a schedule is a rate of turnover or a flat amount per executed order, so the turnover is
 * charged as one unit at that price: brokerage (flat or capped) is paid once per order, never once per partial fill.
 */
export function orderChargesPaise(
  order: { side: Side; product: Product; turnoverPaise: Paise },
  segment: Segment,
  at: IsoInstant,
  schedules: readonly ChargeSchedule[],
): Paise {
  const schedule = scheduleFor(istTradingDay(at), schedules);
  return computeCharges({ side: order.side, product: order.product, segment, quantity: 1, pricePaise: order.turnoverPaise }, schedule).totalPaise;
}

/**
 * The only home of "charges of a fill": the charges of the order's cumulative turnover after this fill minus the
 * charges already booked on its earlier fills (never negative: a broker may have reported more than the schedule
 * says). The fills of an order then add up exactly to the charges of one execution of its whole quantity, whatever
 * the path (one execution, partial fills over HTTP, the paper broker).
 */
export function fillChargesPaise(
  order: ChargeableOrder,
  segment: Segment,
  fill: { quantity: number; pricePaise: Paise; occurredAt: IsoInstant },
  schedules: readonly ChargeSchedule[],
): Paise {
  const turnoverPaise = order.filledValuePaise + fill.quantity * fill.pricePaise;
  const total = orderChargesPaise({ side: order.side, product: order.product, turnoverPaise }, segment, fill.occurredAt, schedules);
  return Math.max(0, total - order.feesPaise);
}

/** The charge lines of a contract note, without the total. */
export type ChargeKind = 'brokerage' | 'stt' | 'exchange' | 'sebi' | 'stamp' | 'gst';
export const CHARGE_KINDS: readonly ChargeKind[] = ['brokerage', 'stt', 'exchange', 'sebi', 'stamp', 'gst'];
export type ChargesByKind = Record<ChargeKind, Paise>;

function linesOf(charges: Charges): ChargesByKind {
  return { brokerage: charges.brokeragePaise, stt: charges.sttPaise, exchange: charges.exchangePaise, sebi: charges.sebiPaise, stamp: charges.stampPaise, gst: charges.gstPaise };
}

function orderLines(side: Side, product: Product, turnoverPaise: Paise, segment: Segment, at: IsoInstant, schedules: readonly ChargeSchedule[]): ChargesByKind {
  if (turnoverPaise === 0) return { brokerage: 0, stt: 0, exchange: 0, sebi: 0, stamp: 0, gst: 0 };
  const schedule = scheduleFor(istTradingDay(at), schedules);
  return linesOf(computeCharges({ side, product, segment, quantity: 1, pricePaise: turnoverPaise }, schedule));
}

/**
 * The split by kind of the charges recorded on one fill, or null when the recorded total is not the schedule's.
 *
 * A fill records only its total (`feesPaise`): the schedule's (fillChargesPaise) or one the broker reported. The
 * split is the schedule's lines of the order's cumulative turnover after the fill minus those before it (every line
 * grows with turnover, so none is negative), given only when they add up to the recorded total. Otherwise (a
 * broker's own total, or a schedule charge that made up for earlier reported ones) no split is invented: the caller
 * shows the total as reported, not split.
 */
export function fillChargesByKind(
  order: ChargeableOrder,
  segment: Segment,
  fill: { quantity: number; pricePaise: Paise; feesPaise: Paise; occurredAt: IsoInstant },
  schedules: readonly ChargeSchedule[],
): ChargesByKind | null {
  const before = orderLines(order.side, order.product, order.filledValuePaise, segment, fill.occurredAt, schedules);
  const after = orderLines(order.side, order.product, order.filledValuePaise + fill.quantity * fill.pricePaise, segment, fill.occurredAt, schedules);
  const sum = (lines: ChargesByKind) => CHARGE_KINDS.reduce((s, k) => s + lines[k], 0);
  if (sum(after) - sum(before) !== fill.feesPaise) return null;
  const split = {} as ChargesByKind;
  for (const kind of CHARGE_KINDS) split[kind] = after[kind] - before[kind];
  return split;
}
