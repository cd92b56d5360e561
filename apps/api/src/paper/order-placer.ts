import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { OrderIntent } from '@robo/paper';
import { assertNever } from '@robo/domain';
import { OrderCommandResult, PlaceOrderMessage, PlaceOrderOutcome } from '../orders/order-commands';
import type { CommandContext } from '../write/command-context';
import { derivedId } from '../write/event-ids';

/** The order id POST /api/orders derives from a clientOrderId, so a strategy's order is found the same way. */
export const orderIdForClientOrder = (accountId: string, clientOrderId: string): string => derivedId('client-order', accountId, clientOrderId);

/**
 * Places an intent through the ordinary PlaceOrder command (risk checks, reservation, the log). The order id comes
 * from the client order id and the placement is idempotent, so the same intent twice is one order. A risk
 * rejection is recorded by the command path (a REJECTED order with its reason); here it is only logged.
 */
@Injectable()
export class OrderPlacer {
  private readonly logger = new Logger('PaperOrders');

  constructor(private readonly commandBus: CommandBus) {}

  async place(intent: OrderIntent, ctx: CommandContext): Promise<OrderCommandResult | null> {
    const orderId = orderIdForClientOrder(intent.accountId, intent.clientOrderId);
    let outcome: PlaceOrderOutcome;
    try {
      outcome = await this.commandBus.execute<PlaceOrderMessage, PlaceOrderOutcome>(
        new PlaceOrderMessage(
          {
            orderId,
            accountId: intent.accountId,
            instrument: intent.instrument,
            side: intent.side,
            quantity: intent.quantity,
            orderType: intent.orderType,
            limitPricePaise: intent.limitPricePaise,
            triggerPricePaise: intent.triggerPricePaise,
            product: intent.product,
            validity: intent.validity,
            strategyId: intent.strategyId,
            clientOrderId: intent.clientOrderId,
          },
          ctx,
          true,
        ),
      );
    } catch (error) {
      this.logger.warn({ err: error, orderId, reason: intent.reason }, 'paper order failed');
      return null;
    }
    switch (outcome.outcome) {
      case 'accepted':
      case 'already-done':
        return outcome.result;
      case 'rejected':
        this.logger.log({ orderId, code: outcome.code, reason: intent.reason }, 'paper order refused by a pre-trade check');
        return null;
      case 'refused':
        this.logger.warn({ orderId, code: outcome.code, message: outcome.message, reason: intent.reason }, 'paper order not placed');
        return null;
      default:
        return assertNever(outcome);
    }
  }
}
