import { CHARGE_SCHEDULES, computeCharges, istTradingDay, scheduleFor, type ChargeSchedule, type IsoInstant, type Paise, type Product, type Segment, type Side } from '@robo/domain';

export interface FeeableOrder {
  side: Side;
  product: Product;
  /** Sum of quantity x price over the order's earlier fills. */
  filledValuePaise: Paise;
  /** Charges already booked on the order's earlier fills. */
  feesPaise: Paise;
}

/**
 * Charges of one fill of an order, from the domain's charge schedule in force on the IST trading day of `at`.
 * Brokerage is per executed order (a flat or capped amount must not repeat on every partial fill), so the charges
 * are computed for the order's cumulative turnover and the fill pays what that adds to the charges already
 * booked: the fills of an order then sum exactly to the charges of one execution of its whole quantity.
 * Every line of the schedule is a rate of turnover or a flat amount, so the cumulative turnover is passed as one
 * unit at that price.
 */
export function fillFeesPaise(
  order: FeeableOrder,
  segment: Segment,
  fill: { quantity: number; pricePaise: Paise },
  at: IsoInstant,
  schedules: readonly ChargeSchedule[] = CHARGE_SCHEDULES,
): Paise {
  const turnover = order.filledValuePaise + fill.quantity * fill.pricePaise;
  const schedule = scheduleFor(istTradingDay(at), schedules);
  const total = computeCharges({ side: order.side, product: order.product, segment, quantity: 1, pricePaise: turnover }, schedule).totalPaise;
  return Math.max(0, total - order.feesPaise);
}
