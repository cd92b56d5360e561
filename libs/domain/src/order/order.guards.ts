import { NotFound, RuleViolation, assertNever } from '../common/errors';
import { type ExistingOrder, isWorking, type OrderState } from './order.state';

export function requireOrder(state: OrderState, orderId: string): ExistingOrder {
  if (state.status === 'NONE') throw new NotFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`, { orderId });
  return state;
}

/**
 * The order must still be working (cancel, expire, modify). Final orders say why they are not,
 * with a code per final status; PLACED has no risk decision yet, so it is not open either.
 */
export function requireWorking(order: ExistingOrder): void {
  const refuse = (code: string, what: string) => new RuleViolation(code, `order ${order.orderId} is ${what}`, { orderId: order.orderId, status: order.status });
  if (isWorking(order.status)) return;
  switch (order.status) {
    case 'FILLED':
      throw refuse('ORDER_ALREADY_FILLED', 'already filled');
    case 'CANCELLED':
      throw refuse('ORDER_ALREADY_CANCELLED', 'already cancelled');
    case 'EXPIRED':
    case 'REJECTED':
    case 'PLACED':
      throw refuse('ORDER_NOT_OPEN', order.status.toLowerCase());
    default:
      return assertNever(order.status);
  }
}
