import type { CommandBus } from '@nestjs/cqrs';
import type { PlaceOrderPort } from '@robo/analyst';
import { ApiError } from '../common/api-error';
import { OrderCommandResult, PlaceOrderMessage } from '../orders/order-commands';
import { derivedId } from '../write/event-ids';

/**
 * An approved proposal's order goes through the same command as POST /api/orders (validation, risk, the order
 * stream), with the order id derived from its client order id exactly as the orders endpoint does, so a resend of
 * the same proposal can never place a second order. A 4xx of the order path is a refusal the book records.
 */
export function placeOrderThroughCommandBus(commandBus: CommandBus): PlaceOrderPort {
  return async (request, ctx) => {
    const orderId = derivedId('client-order', request.accountId, request.clientOrderId);
    try {
      const result = await commandBus.execute<PlaceOrderMessage, OrderCommandResult>(
        new PlaceOrderMessage(
          {
            orderId,
            accountId: request.accountId,
            instrument: request.instrument,
            side: request.side,
            quantity: request.quantity,
            orderType: request.type,
            limitPricePaise: request.limitPricePaise,
            triggerPricePaise: request.triggerPricePaise,
            product: request.product,
            validity: request.validity,
            strategyId: request.strategyId,
            clientOrderId: request.clientOrderId,
          },
          { correlationId: ctx.correlationId, causationId: ctx.causationId, actor: ctx.actor, idempotencyKey: ctx.idempotencyKey },
          false,
        ),
      );
      return { placed: true, orderId: result.orderId };
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) {
        const refused = (error.details as { orderId?: unknown } | undefined)?.orderId;
        return { placed: false, code: error.code, message: error.message, orderId: typeof refused === 'string' ? refused : null };
      }
      throw error;
    }
  };
}
