import { Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { OrderIntent } from '@robo/paper';
import { assertNever } from '@robo/domain';
import { OrderCommandResult, PlaceOrderMessage, PlaceOrderOutcome } from '../orders/order-commands';
import { type CommandContext, derivedId } from '@robo/write-path';

/** The order id POST /api/orders derives from a clientOrderId, so a strategy's order is found the same way. */
export const orderIdForClientOrder = (accountId: string, clientOrderId: string): string => derivedId('client-order', accountId, clientOrderId);

/** What became of the intents placed since start: 'keyReused' counts client order ids already taken by another order. */
export type PlacementOutcome = 'placed' | 'refused' | 'keyReused' | 'failed';

/**
 * Places an intent through the ordinary PlaceOrder command (risk checks, reservation, the log). The order id comes
 * from the client order id and the placement is idempotent, so the same intent twice is one order. A risk
 * rejection is recorded by the command path (a REJECTED order with its reason); here it is only logged. A client
 * order id already used for a different order (IDEMPOTENCY_KEY_REUSED) is no pre-trade refusal: it means the
 * strategy decided twice under one id, and is logged as such.
 */
@Injectable()
export class OrderPlacer {
  private readonly logger = new Logger('PaperOrders');
  readonly outcomes: Record<PlacementOutcome, number> = { placed: 0, refused: 0, keyReused: 0, failed: 0 };

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
          { idempotent: true },
        ),
      );
    } catch (error) {
      this.outcomes.failed += 1;
      this.logger.warn({ err: error, orderId, reason: intent.reason }, 'paper order failed');
      return null;
    }
    switch (outcome.outcome) {
      case 'accepted':
      case 'already-done':
        this.outcomes.placed += 1;
        return outcome.result;
      case 'rejected':
        if (outcome.recorded) {
          this.outcomes.refused += 1;
          this.logger.log({ orderId, code: outcome.code, reason: intent.reason }, 'paper order refused by a pre-trade check');
          return null;
        }
        if (outcome.code === 'IDEMPOTENCY_KEY_REUSED') {
          this.outcomes.keyReused += 1;
          this.logger.warn({ orderId, clientOrderId: intent.clientOrderId, reason: intent.reason }, 'paper order not placed: its client order id already names a different order');
          return null;
        }
        this.outcomes.failed += 1;
        this.logger.warn({ orderId, code: outcome.code, message: outcome.message, reason: intent.reason }, 'paper order not placed');
        return null;
      default:
        return assertNever(outcome);
    }
  }
}
