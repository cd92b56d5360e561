import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { decideOrder, evolveOrder, initialOrderState, NotFound, orderStream } from '@robo/domain';
import { CLOCK, Clock } from '@robo/runtime';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { AggregateRepository, withConflictRetry } from '../write/aggregate-repository';
import { OrderCommandResult, OrderLifecycleMessage } from './order-commands';
import { SettlementReactor } from './settlement.reactor';
import { KeyedMutex } from '../write/keyed-mutex';

export interface LifecycleResult extends OrderCommandResult {
  /** False when the command changed nothing (a fill id already applied). */
  changed: boolean;
}

/**
 * Fills, cancels, expiries and triggers. After the order stream is appended, the settlement reactor runs inline so
 * that the response's global position covers the position and cash changes too (a client can read its own write);
 * the same reactor also follows the log, which makes the effect certain even if this process dies in between.
 */
@CommandHandler(OrderLifecycleMessage)
export class OrderLifecycleHandler implements ICommandHandler<OrderLifecycleMessage, LifecycleResult> {
  constructor(
    private readonly repository: AggregateRepository,
    private readonly reactor: SettlementReactor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly locks: KeyedMutex,
  ) {}

  async execute({ orderId, build, ctx, idSeed }: OrderLifecycleMessage): Promise<LifecycleResult> {
    const stream = orderStream(orderId);
    const outcome = await this.locks.run(stream, () => withConflictRetry(async () => {
      const order = await this.repository.load(stream, evolveOrder, initialOrderState);
      if (order.state.status === 'NONE') throw new NotFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
      const command = build(order.state);
      const events = decideOrder(command, order.state);
      if (events.length === 0) return { appended: null, status: order.state.status, revision: order.revision };
      // Business time: the execution time for a fill, the trigger time for a trigger, now for the rest.
      const occurredAt = command.type === 'ReportFill' ? command.data.occurredAt : command.type === 'TriggerOrder' ? command.data.now : this.clock.now();
      const appended = await this.repository.append(stream, events, order.revision, ctx, { occurredAt, idSeed });
      const status = events.reduce(evolveOrder, order.state).status;
      return { appended, status, revision: appended.nextExpectedRevision };
    }));

    if (outcome.appended === null) {
      const [last] = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
      return { orderId, status: outcome.status, streamRevision: Number(outcome.revision ?? -1n), globalPosition: Number(last?.globalPosition ?? 0n), changed: false };
    }
    let position = outcome.appended.lastGlobalPosition;
    for (const event of outcome.appended.events) {
      const reacted = await this.reactor.handle(event);
      if (reacted > position) position = reacted;
    }
    return { orderId, status: outcome.status, streamRevision: Number(outcome.revision), globalPosition: Number(position), changed: true };
  }
}
