import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  accountStream,
  decideAccount,
  decideOrder,
  evolveAccount,
  evolveOrder,
  initialAccountState,
  initialOrderState,
  NotFound,
  OrderEvent,
  orderStream,
} from '@robo/domain';
import { AppendResult, EVENT_STORE, EventStore } from '@robo/event-store';
import { ApiError } from '../common/api-error';
import { AggregateRepository, withConflictRetry } from '../write/aggregate-repository';
import { replayFirstEvent } from '../write/append-decision';
import { derivedId } from '../write/event-ids';
import { KeyedMutex } from '../write/keyed-mutex';
import { OrderCommandResult, PlaceOrderMessage } from './order-commands';
import { RiskContextFactory } from './risk-context.factory';

/**
 * Pre-trade check, then two appends in a fixed order:
 * 1. the reservation on the account stream, at the account's expected revision: this is what serialises
 *    buying power between concurrent orders of one account;
 * 2. the order stream (must not exist yet).
 * If 2 fails after 1, the reservation is released again; a crash between them leaves a reservation without an
 * order, which errs on the safe side (less buying power, never more).
 */
@CommandHandler(PlaceOrderMessage)
export class PlaceOrderHandler implements ICommandHandler<PlaceOrderMessage, OrderCommandResult> {
  private readonly logger = new Logger(PlaceOrderHandler.name);

  constructor(
    private readonly repository: AggregateRepository,
    private readonly risk: RiskContextFactory,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly locks: KeyedMutex,
  ) {}

  execute({ request, ctx, idempotent }: PlaceOrderMessage): Promise<OrderCommandResult> {
    const stream = orderStream(request.orderId);
    const orderSeed = idempotent ? derivedId(stream, 'place') : null;
    // One order at a time per account in this process: they all reserve on the account stream.
    return this.locks.run(accountStream(request.accountId), () => this.place(stream, orderSeed, request, ctx));
  }

  private place(stream: string, orderSeed: string | null, request: PlaceOrderMessage['request'], ctx: PlaceOrderMessage['ctx']): Promise<OrderCommandResult> {
    return withConflictRetry(async () => {
      const instrument = this.risk.instrument(request.instrument);
      const order = await this.repository.load(stream, evolveOrder, initialOrderState);
      if (order.state.status !== 'NONE') return this.existing(stream, orderSeed, request, order.state.status);

      const account = await this.repository.load(accountStream(request.accountId), evolveAccount, initialAccountState);
      if (account.state.status === 'NONE') throw new NotFound('ACCOUNT_NOT_FOUND', `account ${request.accountId} does not exist`);
      const risk = await this.risk.build(account.state, instrument);
      const events = decideOrder({ type: 'PlaceOrder', data: request, risk }, order.state);

      const accepted = events.find((e): e is Extract<OrderEvent, { type: 'OrderAccepted' }> => e.type === 'OrderAccepted');
      let reserved: AppendResult | null = null;
      if (accepted && accepted.data.reservedPaise > 0) {
        const reserve = decideAccount(
          { type: 'ReserveFunds', data: { accountId: request.accountId, orderId: request.orderId, amountPaise: accepted.data.reservedPaise } },
          account.state,
        );
        reserved = await this.repository.append(accountStream(request.accountId), reserve, account.revision, ctx, {
          occurredAt: risk.now,
          idSeed: derivedId(stream, 'reserve'),
        });
      }

      let result: AppendResult;
      try {
        result = await this.repository.append(stream, events, null, ctx, { occurredAt: risk.now, idSeed: orderSeed });
      } catch (error) {
        if (reserved) await this.releaseAfterFailure(request.accountId, request.orderId, ctx, risk.now);
        throw error;
      }

      const rejected = events.find((e): e is Extract<OrderEvent, { type: 'OrderRejected' }> => e.type === 'OrderRejected');
      const position = Number(result.lastGlobalPosition);
      if (rejected) {
        // The rejection is recorded (the audit trail shows why), and the caller gets a 422 with the reason code.
        throw new ApiError(422, rejected.data.reasonCode, rejected.data.reason, {
          orderId: request.orderId,
          status: 'REJECTED',
          streamRevision: Number(result.nextExpectedRevision),
          globalPosition: position,
        });
      }
      const status = request.orderType === 'SL' || request.orderType === 'SL-M' ? 'TRIGGER_PENDING' : 'OPEN';
      return { orderId: request.orderId, status, streamRevision: Number(result.nextExpectedRevision), globalPosition: position };
    });
  }

  /** The order id exists: a retry with the same Idempotency-Key gets the first answer, anything else a 409. */
  private async existing(stream: string, seed: string | null, request: PlaceOrderMessage['request'], status: string): Promise<OrderCommandResult> {
    if (seed === null) {
      throw new ApiError(409, 'ORDER_ALREADY_EXISTS', 'an order with this id (or clientOrderId) already exists', { orderId: request.orderId });
    }
    const { orderType, ...rest } = request;
    const first = await replayFirstEvent(this.store, stream, seed, { ...rest, orderType });
    const [last] = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
    if (status === 'REJECTED') {
      const reason = (await this.store.readStream(stream, { fromRevision: 1n, maxCount: 1 }))[0]?.data as { reasonCode: string; reason: string };
      throw new ApiError(422, reason.reasonCode, reason.reason, { orderId: request.orderId, status, ...first });
    }
    return { orderId: request.orderId, status, streamRevision: Number(last.streamRevision), globalPosition: Number(last.globalPosition) };
  }

  private async releaseAfterFailure(accountId: string, orderId: string, ctx: PlaceOrderMessage['ctx'], now: string): Promise<void> {
    try {
      await withConflictRetry(async () => {
        const account = await this.repository.load(accountStream(accountId), evolveAccount, initialAccountState);
        const events = decideAccount({ type: 'ReleaseReservation', data: { accountId, orderId, reason: 'order not recorded' } }, account.state);
        if (events.length > 0) {
          await this.repository.append(accountStream(accountId), events, account.revision, ctx, { occurredAt: now, idSeed: derivedId(orderStream(orderId), 'unreserve') });
        }
      });
    } catch (error) {
      this.logger.warn({ err: error, accountId, orderId }, 'could not release the reservation of an order that was not recorded');
    }
  }
}
