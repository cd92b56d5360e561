import { fillChargesPaise } from '../charges/fill-charges';
import { Conflict, InvalidCommand, RuleViolation, assertNever } from '../common/errors';
import { formatRupees as rupees } from '../common/rupees';
import { marketPhase } from '../market/market-calendar';
import { parseInstantMs } from '../market/ist';
import { checkFillSettlement } from './fill-settlement';
import type { FillContext, FillReport, OrderCommand } from './order.commands';
import type { OrderEvent, OrderFillData } from './order.events';
import { requireOrder } from './order.guards';
import { statusAfterFill, type ExistingOrder, type OrderState, type RecordedFill } from './order.state';
import { assertPrice, assertQuantity } from './order.validation';

type ReportFill = Extract<OrderCommand, { type: 'ReportFill' }>;

/**
 * Records an execution: the only decision about a fill, and every check of it runs here, before anything is
 * appended (the order, the position and the account it will change):
 * - a fill id seen before with the same report decides nothing (a redelivery is harmless); with other data it is
 *   refused (FILL_ID_REUSED), since skipping it would lose a real execution and accepting it would count one twice;
 * - quantity in whole lots of the instrument and within what is open; price positive, on the instrument's tick
 *   grid and within the order's limit;
 * - business time not before the order was placed, not after the clock's now plus the allowed skew, and inside a
 *   session of the exchange unless the broker marked the report late;
 * - charges: the broker's, or the schedule's on the order's cumulative turnover (fillChargesPaise);
 * - the settlement this fill makes (position and cash, with every running total a safe integer) is decided too.
 * An IOC order's unfilled rest expires in the same decision.
 */
export function decideReportFill(command: ReportFill, state: OrderState): OrderEvent[] {
  const fill = command.data;
  const context = command.context;
  const order = requireOrder(state, fill.orderId);
  const seen = order.fillReports.get(fill.fillId);
  if (seen !== undefined || order.fillIds.includes(fill.fillId)) {
    if (seen === undefined || sameReport(seen, fill)) return [];
    throw new Conflict('FILL_ID_REUSED', `fill ${fill.fillId} was already recorded for order ${order.orderId} with other data`, {
      orderId: order.orderId,
      fillId: fill.fillId,
      recorded: seen,
    });
  }
  requireFillable(order);
  assertQuantity(fill.quantity);
  assertWholeLots(fill.quantity, context);
  const remaining = order.quantity - order.filledQuantity;
  if (fill.quantity > remaining) {
    throw new RuleViolation('FILL_EXCEEDS_QUANTITY', `fill of ${fill.quantity} exceeds the open quantity ${remaining}`, {
      orderId: order.orderId,
      fillQuantity: fill.quantity,
      remainingQuantity: remaining,
    });
  }
  assertPrice(fill.pricePaise, 'pricePaise');
  assertOnTick(fill.pricePaise, context);
  assertWithinLimit(order, fill.pricePaise);
  assertFillTime(order, fill, context);
  const filledValuePaise = order.filledValuePaise + fill.quantity * fill.pricePaise;
  if (!Number.isSafeInteger(fill.quantity * fill.pricePaise) || !Number.isSafeInteger(filledValuePaise)) {
    throw new InvalidCommand('AMOUNT_INVALID', "the fill would take the order's filled value beyond the safe integer range", { orderId: order.orderId });
  }
  const feesPaise = fill.feesPaise ?? fillChargesPaise(order, context.instrument.segment, fill, context.chargeSchedules);
  if (!Number.isSafeInteger(feesPaise) || feesPaise < 0 || !Number.isSafeInteger(order.feesPaise + feesPaise)) {
    throw new InvalidCommand('FEES_INVALID', `feesPaise must be a non-negative integer, got ${feesPaise}`);
  }
  const filledQuantity = order.filledQuantity + fill.quantity;
  const data: OrderFillData = {
    orderId: order.orderId,
    accountId: order.accountId,
    instrument: order.instrument,
    side: order.side,
    product: order.product,
    strategyId: order.strategyId,
    fillId: fill.fillId,
    quantity: fill.quantity,
    pricePaise: fill.pricePaise,
    feesPaise,
    filledQuantity,
    remainingQuantity: order.quantity - filledQuantity,
    occurredAt: fill.occurredAt,
    ...(fill.foundBy ? { foundBy: fill.foundBy } : {}),
  };
  checkFillSettlement(order, data, context.position, context.account);
  const after = statusAfterFill(order, filledQuantity);
  if (after === 'FILLED') return [{ type: 'OrderFilled', data }];
  const partial: OrderEvent = { type: 'OrderPartiallyFilled', data };
  if (after === 'EXPIRED') {
    return [partial, { type: 'OrderExpired', data: { orderId: order.orderId, accountId: order.accountId, reason: 'IOC remainder', expiredQuantity: data.remainingQuantity } }];
  }
  return [partial];
}

/** The same execution again: quantity, price and time agree, and the charges too when the report states them. */
function sameReport(seen: RecordedFill, fill: FillReport): boolean {
  return (
    seen.quantity === fill.quantity &&
    seen.pricePaise === fill.pricePaise &&
    (fill.feesPaise === undefined || seen.feesPaise === fill.feesPaise) &&
    parseInstantMs(seen.occurredAt) !== null &&
    parseInstantMs(seen.occurredAt) === parseInstantMs(fill.occurredAt)
  );
}

/** The exchange trades derivatives in lots: a fill, like the order, is a whole number of them. */
function assertWholeLots(quantity: number, context: FillContext): void {
  const lot = context.instrument.lotSize;
  if (quantity % lot !== 0) {
    throw new RuleViolation('FILL_NOT_IN_LOTS', `fill quantity ${quantity} is not a multiple of the lot size ${lot}`, { quantity, lotSize: lot });
  }
}

function assertOnTick(pricePaise: number, context: FillContext): void {
  const tick = context.instrument.tickSizePaise;
  if (pricePaise % tick !== 0) {
    throw new RuleViolation('FILL_PRICE_NOT_ON_TICK', `fill price ${rupees(pricePaise)} is not a multiple of the tick ${rupees(tick)}`, { pricePaise, tickSizePaise: tick });
  }
}

/**
 * A fill happened after its order was placed, not in the future (beyond the clock skew allowed), and while the
 * exchange was in a session (pre-open, normal market or closing session), unless the broker marks it a late report.
 */
function assertFillTime(order: ExistingOrder, fill: FillReport, context: FillContext): void {
  const at = parseInstantMs(fill.occurredAt);
  if (at === null) throw new InvalidCommand('INVALID_TIME', `occurredAt must be an ISO-8601 instant with an offset, got ${JSON.stringify(fill.occurredAt)}`);
  const placedAt = parseInstantMs(order.placedAt);
  if (placedAt !== null && at < placedAt) {
    throw new RuleViolation('FILL_BEFORE_ORDER', `fill at ${fill.occurredAt} is before its order was placed (${order.placedAt})`, {
      occurredAt: fill.occurredAt,
      placedAt: order.placedAt,
    });
  }
  const now = parseInstantMs(context.now);
  if (now === null) throw new InvalidCommand('INVALID_TIME', `now must be an ISO-8601 instant, got ${JSON.stringify(context.now)}`);
  if (!Number.isSafeInteger(context.clockSkewMs) || context.clockSkewMs < 0) throw new InvalidCommand('CLOCK_SKEW_INVALID', 'clockSkewMs must be a non-negative integer');
  if (at > now + context.clockSkewMs) {
    throw new RuleViolation('FILL_IN_FUTURE', `fill at ${fill.occurredAt} is after the clock's now (${context.now}) plus the allowed skew of ${context.clockSkewMs} ms`, {
      occurredAt: fill.occurredAt,
      now: context.now,
      clockSkewMs: context.clockSkewMs,
    });
  }
  if (fill.late === true) return;
  const phase = marketPhase(fill.occurredAt, context.calendar);
  if (phase.phase === 'CLOSED') {
    throw new RuleViolation('FILL_OUTSIDE_SESSION', `fill at ${fill.occurredAt} is outside every session of ${context.instrument.exchange} (${phase.closedReason?.toLowerCase() ?? 'closed'}); a late trade report must say late: true`, {
      occurredAt: fill.occurredAt,
      istDate: phase.istDate,
      istTime: phase.istTime,
      closedReason: phase.closedReason,
    });
  }
}

function requireFillable(order: ExistingOrder): void {
  const refuse = (code: string, what: string) => new RuleViolation(code, `order ${order.orderId} is ${what}`, { orderId: order.orderId, status: order.status });
  switch (order.status) {
    case 'OPEN':
    case 'PARTIALLY_FILLED':
      return;
    case 'FILLED':
      throw refuse('ORDER_ALREADY_FILLED', 'already filled');
    case 'TRIGGER_PENDING':
      throw refuse('ORDER_NOT_TRIGGERED', 'waiting for its trigger');
    case 'CANCELLED':
    case 'EXPIRED':
    case 'REJECTED':
    case 'PLACED':
      throw refuse('ORDER_NOT_OPEN', order.status.toLowerCase());
    default:
      return assertNever(order.status);
  }
}

/** A limit (LIMIT, or SL once triggered) is a promise: never buy above it or sell below it. */
function assertWithinLimit(order: ExistingOrder, pricePaise: number): void {
  const limit = order.limitPricePaise;
  if (limit === null) return;
  const outside = order.side === 'BUY' ? pricePaise > limit : pricePaise < limit;
  if (outside) {
    throw new RuleViolation('FILL_PRICE_OUTSIDE_LIMIT', `${order.side} fill at ${rupees(pricePaise)} is outside the limit ${rupees(limit)}`, {
      orderId: order.orderId,
      pricePaise,
      limitPricePaise: limit,
    });
  }
}
