import type { Decider } from '../common/decider';
import { InvalidCommand, RuleViolation, assertNever } from '../common/errors';
import { formatRupees as rupees } from '../common/rupees';
import { toIst } from '../market/ist';
import type { OrderCommand } from './order.commands';
import type { OrderEvent } from './order.events';
import { evolveOrder } from './order.evolve';
import { requireOrder, requireWorking } from './order.guards';
import { initialOrderState, remainingQuantity, type OrderState } from './order.state';
import { assertPrice } from './order.validation';
import { decideModifyOrder } from './modify-order';
import { decidePlaceOrder } from './place-order';
import { decideReportFill } from './report-fill';
import { decideBrokerUpdate, decideRouting } from './broker-report';
import { stopTriggerReached } from './stop-trigger';

/** The order aggregate's decision: pure, time and prices come in with the command. */
export function decideOrder(command: OrderCommand, state: OrderState): OrderEvent[] {
  switch (command.type) {
    case 'PlaceOrder':
      return decidePlaceOrder(command, state);
    case 'TriggerOrder':
      return decideTrigger(command, state);
    case 'ModifyOrder':
      return decideModifyOrder(command, state);
    case 'ReportFill':
      return decideReportFill(command, state);
    case 'CancelOrder': {
      const order = requireOrder(state, command.data.orderId);
      requireWorking(order);
      return [{ type: 'OrderCancelled', data: { orderId: order.orderId, accountId: order.accountId, reason: command.data.reason, cancelledQuantity: remainingQuantity(order) } }];
    }
    case 'ExpireOrder': {
      const order = requireOrder(state, command.data.orderId);
      requireWorking(order);
      return [{ type: 'OrderExpired', data: { orderId: order.orderId, accountId: order.accountId, reason: command.data.reason, expiredQuantity: remainingQuantity(order) } }];
    }
    case 'RecordRouting':
      return decideRouting(command.data, state);
    case 'RecordBrokerUpdate':
      return decideBrokerUpdate(command.data, state);
    default:
      return assertNever(command);
  }
}

/** A stop order fires when the last price reaches its trigger (stopTriggerReached). */
function decideTrigger(command: Extract<OrderCommand, { type: 'TriggerOrder' }>, state: OrderState): OrderEvent[] {
  const { orderId, lastPricePaise, now } = command.data;
  const order = requireOrder(state, orderId);
  if (order.status !== 'TRIGGER_PENDING') {
    throw new RuleViolation('ORDER_NOT_TRIGGER_PENDING', `order ${orderId} is ${order.status}, not waiting for a trigger`, { orderId, status: order.status });
  }
  assertPrice(lastPricePaise, 'lastPricePaise');
  toIst(now);
  const trigger = order.triggerPricePaise;
  if (trigger === null) throw new InvalidCommand('TRIGGER_PRICE_REQUIRED', `order ${orderId} has no trigger price`);
  if (!stopTriggerReached(order.side, lastPricePaise, trigger)) {
    throw new RuleViolation('TRIGGER_NOT_REACHED', `${order.side} stop at ${rupees(trigger)} is not reached by ${rupees(lastPricePaise)}`, {
      orderId,
      triggerPricePaise: trigger,
      lastPricePaise,
    });
  }
  return [{ type: 'OrderTriggered', data: { orderId, accountId: order.accountId, lastPricePaise, triggeredAt: now } }];
}

export const orderDecider: Decider<OrderCommand, OrderEvent, OrderState> = {
  decide: decideOrder,
  evolve: evolveOrder,
  initialState: initialOrderState,
};
