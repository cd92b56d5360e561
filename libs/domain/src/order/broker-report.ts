import { InvalidCommand, RuleViolation } from '../common/errors';
import { parseInstantMs } from '../market/ist';
import type { BrokerUpdateReport, OrderCommand } from './order.commands';
import type { OrderEvent } from './order.events';
import { requireOrder } from './order.guards';
import { isWorking, remainingQuantity, type OrderState } from './order.state';

type RecordRouting = Extract<OrderCommand, { type: 'RecordRouting' }>['data'];

/** The broker statuses after which a broker order changes no more. */
export const FINAL_BROKER_STATUSES: readonly string[] = ['COMPLETE', 'CANCELLED', 'REJECTED'];

/**
 * Records that a live broker accepted the order under its own id. Only an order our checks accepted is routed; the
 * same routing again decides nothing, another broker id for the same order is refused (it would be a second order).
 */
export function decideRouting(data: RecordRouting, state: OrderState): OrderEvent[] {
  const order = requireOrder(state, data.orderId);
  if (!data.broker || !data.brokerOrderId) throw new InvalidCommand('BROKER_ORDER_ID_REQUIRED', 'a routing needs the broker and its order id');
  if (order.status === 'PLACED' || order.status === 'REJECTED') {
    throw new RuleViolation('ORDER_NOT_ROUTABLE', `order ${order.orderId} is ${order.status}: only an accepted order goes to a broker`, { orderId: order.orderId, status: order.status });
  }
  const routing = order.routing ?? null;
  if (routing) {
    if (routing.broker === data.broker && routing.brokerOrderId === data.brokerOrderId) return [];
    throw new RuleViolation('ORDER_ALREADY_ROUTED', `order ${order.orderId} is already at ${routing.broker} as ${routing.brokerOrderId}`, {
      orderId: order.orderId,
      broker: routing.broker,
      brokerOrderId: routing.brokerOrderId,
    });
  }
  return [{ type: 'OrderRouted', data: { orderId: order.orderId, accountId: order.accountId, broker: data.broker, brokerOrderId: data.brokerOrderId } }];
}

/**
 * What a broker's status report means for the order:
 * - the same status and filled quantity again (another channel, a redelivery) decides nothing; an older state
 *   arriving late (less filled, or working after final) decides nothing either;
 * - otherwise the report is recorded (BrokerOrderUpdated), and
 * - a REJECTED or CANCELLED from the broker while our order still works ends it (OrderExpired, with the broker's
 *   message): the broker will execute no more of it. Our own cancel is recorded before it is sent, so the broker's
 *   CANCELLED that follows finds the order final and only its report is recorded. When the broker says more is filled
 *   than our fills show, the order is not ended yet: those executions come as fills first (a later report, or
 *   reconciliation, ends it).
 * Executions themselves are never taken from a status report: each comes as a fill with the broker's trade id.
 */
export function decideBrokerUpdate(report: BrokerUpdateReport, state: OrderState): OrderEvent[] {
  const order = requireOrder(state, report.orderId);
  const routing = order.routing ?? null;
  if (!routing) throw new RuleViolation('ORDER_NOT_ROUTED', `order ${order.orderId} was not routed to a broker`, { orderId: order.orderId });
  if (routing.brokerOrderId !== report.brokerOrderId) {
    throw new RuleViolation('BROKER_ORDER_MISMATCH', `order ${order.orderId} is ${routing.brokerOrderId} at the broker, not ${report.brokerOrderId}`, {
      orderId: order.orderId,
      brokerOrderId: routing.brokerOrderId,
    });
  }
  if (!report.brokerStatus) throw new InvalidCommand('BROKER_STATUS_REQUIRED', 'a broker report needs a status');
  if (!Number.isSafeInteger(report.filledQuantity) || report.filledQuantity < 0) throw new InvalidCommand('INVALID_QUANTITY', 'filledQuantity must be a whole number, 0 or more');
  if (parseInstantMs(report.reportedAt) === null) throw new InvalidCommand('INVALID_INSTANT', `reportedAt ${report.reportedAt} is not an ISO instant`);
  const wasFinal = routing.brokerStatus !== null && FINAL_BROKER_STATUSES.includes(routing.brokerStatus);
  const isFinalNow = FINAL_BROKER_STATUSES.includes(report.brokerStatus);
  if (routing.brokerStatus === report.brokerStatus && routing.brokerFilledQuantity === report.filledQuantity) return [];
  if (report.filledQuantity < routing.brokerFilledQuantity || (wasFinal && !isFinalNow)) return [];
  const events: OrderEvent[] = [
    {
      type: 'BrokerOrderUpdated',
      data: {
        orderId: order.orderId,
        accountId: order.accountId,
        brokerOrderId: report.brokerOrderId,
        brokerStatus: report.brokerStatus,
        message: report.message,
        filledQuantity: report.filledQuantity,
        averagePricePaise: report.averagePricePaise,
        reportedAt: report.reportedAt,
        channel: report.channel,
      },
    },
  ];
  const endsIt = report.brokerStatus === 'REJECTED' || report.brokerStatus === 'CANCELLED';
  if (endsIt && isWorking(order.status) && order.filledQuantity >= report.filledQuantity) {
    const what = report.brokerStatus === 'REJECTED' ? 'rejected by the broker' : 'cancelled by the broker';
    events.push({
      type: 'OrderExpired',
      data: { orderId: order.orderId, accountId: order.accountId, reason: `${what}: ${report.message ?? 'no message given'}`, expiredQuantity: remainingQuantity(order) },
    });
  }
  return events;
}
