import { assertNever } from '@robo/domain';
import { ApiError } from '../common/api-error';
import type { OrderCommandResult, PlaceOrderOutcome } from './order-commands';

/**
 * The HTTP edge of PlaceOrder: an accepted order or a retry of one answers its result (201); a recorded risk
 * rejection is a 422 with its reason code and the order in `details`; a refusal answers the error it carries (the
 * exception filter maps it: 400 invalid, 404 unknown, 409 conflict, 422 rule).
 */
export function placeOrderResponse(outcome: PlaceOrderOutcome): OrderCommandResult {
  switch (outcome.outcome) {
    case 'accepted':
    case 'already-done':
      return outcome.result;
    case 'rejected':
      throw new ApiError(422, outcome.code, outcome.reason, outcome.details);
    case 'refused':
      throw outcome.error;
    default:
      return assertNever(outcome);
  }
}
