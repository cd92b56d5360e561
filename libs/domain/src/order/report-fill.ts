import { InvalidCommand, RuleViolation, assertNever } from '../common/errors';
import { toIst } from '../market/ist';
import type { OrderCommand } from './order.commands';
import type { OrderEvent, OrderFillData } from './order.events';
import { requireOrder } from './order.guards';
import type { ExistingOrder, OrderState } from './order.state';
import { assertPrice, assertQuantity } from './order.validation';

type ReportFill = Extract<OrderCommand, { type: 'ReportFill' }>;

/**
 * Records an execution. A fill id seen before decides nothing, so a redelivered execution
 * report is harmless. An IOC order's unfilled rest expires in the same decision.
 */
export function decideReportFill(command: ReportFill, state: OrderState): OrderEvent[] {
  const fill = command.data;
  const order = requireOrder(state, fill.orderId);
  if (order.fillIds.includes(fill.fillId)) return [];
  requireFillable(order);
  assertQuantity(fill.quantity);
  const remaining = order.quantity - order.filledQuantity;
  if (fill.quantity > remaining) {
    throw new RuleViolation('FILL_EXCEEDS_QUANTITY', `fill of ${fill.quantity} exceeds the open quantity ${remaining}`, {
      orderId: order.orderId,
      fillQuantity: fill.quantity,
      remainingQuantity: remaining,
    });
  }
  assertPrice(fill.pricePaise, 'pricePaise');
  assertWithinLimit(order, fill.pricePaise);
  if (!Number.isSafeInteger(fill.feesPaise) || fill.feesPaise < 0) {
    throw new InvalidCommand('FEES_INVALID', `feesPaise must be a non-negative integer, got ${fill.feesPaise}`);
  }
  toIst(fill.occurredAt); // business time of the trade is recorded: INVALID_TIME when malformed
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
    feesPaise: fill.feesPaise,
    filledQuantity,
    remainingQuantity: order.quantity - filledQuantity,
    occurredAt: fill.occurredAt,
  };
  if (data.remainingQuantity === 0) return [{ type: 'OrderFilled', data }];
  const partial: OrderEvent = { type: 'OrderPartiallyFilled', data };
  if (order.validity === 'IOC') {
    return [partial, { type: 'OrderExpired', data: { orderId: order.orderId, accountId: order.accountId, reason: 'IOC remainder', expiredQuantity: data.remainingQuantity } }];
  }
  return [partial];
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
    throw new RuleViolation('FILL_PRICE_OUTSIDE_LIMIT', `${order.side} fill at ${pricePaise} paise is outside the limit ${limit} paise`, {
      orderId: order.orderId,
      pricePaise,
      limitPricePaise: limit,
    });
  }
}
