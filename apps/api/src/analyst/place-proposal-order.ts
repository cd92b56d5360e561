import type { CommandBus } from '@nestjs/cqrs';
import { orderTerms, type PlaceOrderPort } from '@robo/analyst';
import { assertNever } from '@robo/domain';
import { PlaceOrderMessage, PlaceOrderOutcome } from '../orders/order-commands';
import { derivedId } from '@robo/write-path';

/**
 * An approved proposal's order goes through the same command as POST /api/orders (validation, risk, the order
 * stream), with the order id derived from its client order id exactly as the orders endpoint does, so a resend of
 * the same proposal can never place a second order. A rejected or refused outcome is a refusal the book records.
 */
export function placeOrderThroughCommandBus(commandBus: CommandBus): PlaceOrderPort {
  return async (request, ctx) => {
    const orderId = derivedId('client-order', request.accountId, request.clientOrderId);
    const outcome = await commandBus.execute<PlaceOrderMessage, PlaceOrderOutcome>(
      new PlaceOrderMessage(
        {
          orderId,
          accountId: request.accountId,
          ...orderTerms(request),
          clientOrderId: request.clientOrderId,
        },
        { correlationId: ctx.correlationId, causationId: ctx.causationId, actor: ctx.actor, idempotencyKey: ctx.idempotencyKey },
        { idempotent: false },
      ),
    );
    switch (outcome.outcome) {
      case 'accepted':
      case 'already-done':
        return { placed: true, orderId: outcome.result.orderId };
      case 'rejected':
        // Recorded as REJECTED by a pre-trade check, or refused before anything was written: the book records either.
        return { placed: false, code: outcome.code, message: outcome.message, orderId: outcome.orderId };
      default:
        return assertNever(outcome);
    }
  };
}
