import type { IsoInstant, Paise, Product, Side } from '../common/types';
import type { Segment } from '../instruments/instrument';
import { istTradingDay } from '../market/ist';
import { scheduleFor, type ChargeSchedule } from './charge-schedule';
import { computeCharges } from './charges';

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
