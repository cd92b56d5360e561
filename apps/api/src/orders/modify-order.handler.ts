import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  AccountEvent,
  AccountState,
  accountStream,
  decideAccount,
  decideOrder,
  evolveAccount,
  evolveOrder,
  initialAccountState,
  initialOrderState,
  NotFound,
  OrderEvent,
  OrderState,
  orderStream,
} from '@robo/domain';
import { type CommandContext, derivedId, type CommandOutcome, appendEvents, WriteStep } from '@robo/write-path';
import { ModifyOrderMessage, OrderCommandResult } from './order-commands';
import { RiskContextFactory } from './risk-context.factory';
import { SellCoverReactor } from './sell-cover.reactor';

/** What the order step found out: the reservation the order holds, what it needs now, the decision's time. */
interface Modified {
  accountId: string;
  held: number;
  target: number;
  now: string;
  seed: string;
  /** The order already had these values: nothing was appended. */
  unchanged: boolean;
}

/**
 * A modification re-runs the pre-trade checks on the new values. More buying power is reserved on the account
 * before the order changes; buying power freed by a smaller order is given back after it changed. Each is a write
 * step of its own; a step refused answers the command's rejection.
 */
@CommandHandler(ModifyOrderMessage)
export class ModifyOrderHandler implements ICommandHandler<ModifyOrderMessage, CommandOutcome<OrderCommandResult>> {
  constructor(
    private readonly step: WriteStep,
    private readonly risk: RiskContextFactory,
    private readonly cover: SellCoverReactor,
  ) {}

  async execute({ orderId, changes, ctx }: ModifyOrderMessage): Promise<CommandOutcome<OrderCommandResult>> {
    const stream = orderStream(orderId);
    const modified = await this.step.run<OrderState, OrderEvent, Modified>({
      stream,
      evolve: evolveOrder,
      initial: initialOrderState,
      ctx,
      decide: async (order) => {
        if (order.state.status === 'NONE') throw new NotFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
        const { accountId } = order.state;
        const account = await this.step.load(accountStream(accountId), evolveAccount, initialAccountState);
        if (account.state.status !== 'OPEN') throw new NotFound('ACCOUNT_NOT_FOUND', `account ${accountId} does not exist`);
        const held = account.state.reservations.get(orderId) ?? 0;
        const risk = await this.risk.build(account.state, this.risk.instrument(order.state.instrument), { excludeOrderId: orderId, ownReservationPaise: held });
        const events = decideOrder({ type: 'ModifyOrder', data: { orderId, ...changes }, risk }, order.state);
        const changed = events.find((e) => e.type === 'OrderModified');
        const target = changed && changed.type === 'OrderModified' ? changed.data.reservedPaise : held;
        const seed = derivedId(stream, 'modify', String(order.revision));
        if (target > held) {
          // Reserved before the order changes, so the order never holds less than it needs.
          const reserved = await this.onAccount(accountId, ctx, risk.now, `${seed}|reserve`, (state) =>
            // What the order holds by now (a retried round may have reserved already).
            decideAccount({ type: 'ReserveFunds', data: { accountId, orderId, amountPaise: Math.max(0, target - (state.status === 'OPEN' ? (state.reservations.get(orderId) ?? 0) : held)) } }, state),
          );
          if (reserved.outcome === 'rejected') return reserved;
        }
        return appendEvents(events, risk.now, null, { accountId, held, target, now: risk.now, seed, unchanged: events.length === 0 });
      },
    });
    if (modified.outcome === 'rejected') return modified;
    const { accountId, held, target, now, seed } = modified.value;
    let position = modified.globalPosition;
    if (target < held) {
      const released = await this.onAccount(accountId, ctx, now, `${seed}|release`, (state) =>
        decideAccount({ type: 'ReleaseReservation', data: { accountId, orderId, amountPaise: held - target, reason: 'order modified' } }, state),
      );
      if (released.outcome === 'rejected') return released;
      if (released.globalPosition > position) position = released.globalPosition;
    }
    // A changed sell changes what the long covers for the account's other sells.
    const covered = await this.cover.reevaluate(accountId, modified.state.status === 'NONE' ? '' : modified.state.instrument, ctx, modified.events[0]?.metadata.eventId ?? seed);
    if (covered.outcome === 'rejected') return covered;
    if (covered.result > position) position = covered.result;
    return {
      outcome: modified.outcome,
      result: {
        orderId,
        status: modified.state.status,
        streamRevision: Number(modified.revision ?? -1n),
        globalPosition: Number(position),
        ...(modified.value.unchanged ? { changed: false } : {}),
      },
    };
  }

  private onAccount(accountId: string, ctx: CommandContext, now: string, idSeed: string, decide: (state: AccountState) => AccountEvent[]) {
    return this.step.run<AccountState, AccountEvent, null>({
      stream: accountStream(accountId),
      evolve: evolveAccount,
      initial: initialAccountState,
      ctx,
      headPosition: false,
      decide: ({ state }) => appendEvents(decide(state), now, idSeed, null),
    });
  }
}
