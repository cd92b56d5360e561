import { Inject, Injectable } from '@nestjs/common';
import {
  AccountEvent,
  AccountState,
  accountStream,
  buyingPower,
  decideAccount,
  decideOrder,
  evolveAccount,
  evolveOrder,
  evolvePosition,
  initialAccountState,
  initialOrderState,
  initialPositionState,
  InstrumentCatalog,
  isWorking,
  OpenAccountState,
  OrderEvent,
  OrderState,
  orderStream,
  planSellCover,
  positionStreamName,
  WorkingSell,
  workingSellOf,
} from '@robo/domain';
import { CLOCK, Clock, INSTRUMENTS } from '@robo/runtime';
import { CommandContext, derivedId, type CommandOutcome, appendEvents, nothingToDo, WriteStep } from '@robo/write-path';
import { MarketContextService } from './market-context.service';

export const COVER_LOST_REASON = 'cover lost: buying power cannot hold the short this sell would now open';

/**
 * Re-evaluates what the held long covers for an account's working sells in one instrument, after a fill, cancel,
 * expiry or modification there (the domain's planSellCover): reservations are brought to what each sell needs, and a
 * sell that lost its cover and cannot be held is cancelled. Event ids are derived from the triggering event and the
 * account's revision, so a second run over the same state appends nothing.
 */
@Injectable()
export class SellCoverReactor {
  constructor(
    private readonly step: WriteStep,
    private readonly market: MarketContextService,
    @Inject(INSTRUMENTS) private readonly instruments: InstrumentCatalog,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Accepted with the highest global position it appended, already-done (0n) when nothing changed, or the rejection
   * of a step that could not be applied.
   */
  async reevaluate(accountId: string, instrument: string, ctx: CommandContext, causeId: string): Promise<CommandOutcome<bigint>> {
    const now = this.clock.now();
    const planned = await this.step.run<AccountState, AccountEvent, readonly string[]>({
      stream: accountStream(accountId),
      evolve: evolveAccount,
      initial: initialAccountState,
      ctx,
      lock: true,
      headPosition: false,
      decide: async (account) => {
        const orders = (await this.market.workingOrders(accountId, instrument)).filter((o) => o.side === 'SELL');
        if (orders.length === 0 || account.state.status !== 'OPEN') return nothingToDo([]);
        const [position, lastPrice] = await Promise.all([
          this.step.load(positionStreamName(accountId, instrument), evolvePosition, initialPositionState),
          this.market.lastPrice(instrument),
        ]);
        const reference = lastPrice ?? this.instruments.get(instrument)?.referencePricePaise ?? 0;
        const held = account.state.reservations;
        const sells = orders.map((o) => workingSellOf(o, reference, held.get(o.orderId) ?? 0)).filter((s): s is WorkingSell => s !== null);
        const plan = planSellCover(position.state.quantity, sells, buyingPower(account.state));
        return appendEvents(accountEvents(account.state, plan.adjustments, plan.cancel), now, derivedId(causeId, 'cover', String(account.revision)), plan.cancel);
      },
    });
    if (planned.outcome === 'rejected') return planned;
    let last = planned.outcome === 'accepted' ? planned.globalPosition : 0n;
    for (const orderId of planned.value) {
      const cancelled = await this.cancel(orderId, ctx, causeId, now);
      if (cancelled.outcome === 'rejected') return cancelled;
      if (cancelled.outcome === 'accepted' && cancelled.globalPosition > last) last = cancelled.globalPosition;
    }
    return { outcome: last > 0n ? 'accepted' : 'already-done', result: last };
  }

  /** Cancels the rest of a sell that lost its cover; nothing when it stopped working meanwhile. */
  private cancel(orderId: string, ctx: CommandContext, causeId: string, now: string) {
    return this.step.run<OrderState, OrderEvent, null>({
      stream: orderStream(orderId),
      evolve: evolveOrder,
      initial: initialOrderState,
      ctx,
      lock: true,
      headPosition: false,
      decide: ({ state }) =>
        state.status === 'NONE' || !isWorking(state.status)
          ? nothingToDo(null)
          : appendEvents(decideOrder({ type: 'CancelOrder', data: { orderId, reason: COVER_LOST_REASON } }, state), now, derivedId(causeId, 'cover-cancel', orderId), null),
    });
  }
}

/** Give-backs first (in full for the sells to cancel), then the new reservations, which the give-backs make room for. */
function accountEvents(account: OpenAccountState, adjustments: readonly { orderId: string; deltaPaise: number }[], cancel: readonly string[]): AccountEvent[] {
  const { accountId } = account;
  const events: AccountEvent[] = [];
  let state = account;
  const apply = (decided: AccountEvent[]) => {
    events.push(...decided);
    state = decided.reduce((s, e) => evolveAccount(s, e) as OpenAccountState, state);
  };
  for (const orderId of cancel) apply(decideAccount({ type: 'ReleaseReservation', data: { accountId, orderId, reason: 'order cancelled: cover lost' } }, state));
  for (const { orderId, deltaPaise } of adjustments) {
    if (deltaPaise < 0) apply(decideAccount({ type: 'ReleaseReservation', data: { accountId, orderId, amountPaise: -deltaPaise, reason: 'cover re-evaluated' } }, state));
  }
  for (const { orderId, deltaPaise } of adjustments) {
    if (deltaPaise > 0) apply(decideAccount({ type: 'ReserveFunds', data: { accountId, orderId, amountPaise: deltaPaise } }, state));
  }
  return events;
}
