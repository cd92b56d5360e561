import { commandResponse } from '../common/outcome-response';
import type { OrderCommandResult, PlaceOrderOutcome } from './order-commands';

/**
 * The HTTP edge of PlaceOrder: an accepted order or a retry of one answers its result (201); a recorded risk
 * rejection is a 422 with its reason code and the order in `details`; a refusal answers by its kind (400 invalid,
 * 404 unknown, 409 conflict, 422 rule).
 */
export function placeOrderResponse(outcome: PlaceOrderOutcome): OrderCommandResult {
  if (outcome.outcome !== 'rejected') return commandResponse(outcome);
  const { code, message, kind, details } = outcome;
  return commandResponse(details === undefined ? { outcome: 'rejected', code, message, kind } : { outcome: 'rejected', code, message, kind, details });
}
