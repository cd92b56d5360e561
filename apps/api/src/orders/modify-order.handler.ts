import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import {
  accountStream,
  decideAccount,
  decideOrder,
  evolveAccount,
  evolveOrder,
  initialAccountState,
  initialOrderState,
  NotFound,
  orderStream,
} from '@robo/domain';
import { AggregateRepository, withConflictRetry } from '../write/aggregate-repository';
import { derivedId } from '../write/event-ids';
import { ModifyOrderMessage, OrderCommandResult } from './order-commands';
import { RiskContextFactory } from './risk-context.factory';
import { SellCoverReactor } from './sell-cover.reactor';

/**
 * A modification re-runs the pre-trade checks on the new values. More buying power is reserved on the account
 * before the order changes; buying power freed by a smaller order is given back after it changed.
 */
@CommandHandler(ModifyOrderMessage)
export class ModifyOrderHandler implements ICommandHandler<ModifyOrderMessage, OrderCommandResult> {
  constructor(
    private readonly repository: AggregateRepository,
    private readonly risk: RiskContextFactory,
    private readonly cover: SellCoverReactor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  execute({ orderId, changes, ctx }: ModifyOrderMessage): Promise<OrderCommandResult> {
    const stream = orderStream(orderId);
    return withConflictRetry(async () => {
      const order = await this.repository.load(stream, evolveOrder, initialOrderState);
      if (order.state.status === 'NONE') throw new NotFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
      const { accountId } = order.state;
      const account = await this.repository.load(accountStream(accountId), evolveAccount, initialAccountState);
      if (account.state.status !== 'OPEN') throw new NotFound('ACCOUNT_NOT_FOUND', `account ${accountId} does not exist`);
      const held = account.state.reservations.get(orderId) ?? 0;
      const risk = await this.risk.build(account.state, this.risk.instrument(order.state.instrument), { excludeOrderId: orderId, ownReservationPaise: held });
      const events = decideOrder({ type: 'ModifyOrder', data: { orderId, ...changes }, risk }, order.state);
      if (events.length === 0) {
        // The order already has these values: nothing to append, the order answered as it is.
        const [last] = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
        return { orderId, status: order.state.status, streamRevision: Number(order.revision), globalPosition: Number(last?.globalPosition ?? 0n), changed: false };
      }
      const modified = events.find((e) => e.type === 'OrderModified');
      const target = modified && modified.type === 'OrderModified' ? modified.data.reservedPaise : held;
      const seed = derivedId(stream, 'modify', String(order.revision));

      if (target > held) {
        const reserve = decideAccount({ type: 'ReserveFunds', data: { accountId, orderId, amountPaise: target - held } }, account.state);
        await this.repository.append(accountStream(accountId), reserve, account.revision, ctx, { occurredAt: risk.now, idSeed: `${seed}|reserve` });
      }
      const result = await this.repository.append(stream, events, order.revision, ctx, { occurredAt: risk.now, idSeed: null });
      let position = result.lastGlobalPosition;
      if (target < held) {
        position = await withConflictRetry(async () => {
          const latest = await this.repository.load(accountStream(accountId), evolveAccount, initialAccountState);
          const release = decideAccount({ type: 'ReleaseReservation', data: { accountId, orderId, amountPaise: held - target, reason: 'order modified' } }, latest.state);
          if (release.length === 0) return position;
          const released = await this.repository.append(accountStream(accountId), release, latest.revision, ctx, { occurredAt: risk.now, idSeed: `${seed}|release` });
          return released.lastGlobalPosition;
        });
      }
      // A changed sell changes what the long covers for the account's other sells.
      const covered = await this.cover.reevaluate(accountId, order.state.instrument, ctx, result.events[0]?.metadata.eventId ?? seed);
      if (covered > position) position = covered;
      const status = events.reduce(evolveOrder, order.state).status;
      return { orderId, status, streamRevision: Number(result.nextExpectedRevision), globalPosition: Number(position) };
    });
  }
}
