import { Inject, Injectable } from '@nestjs/common';
import {
  AccountEvent,
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
  OpenAccountState,
  orderStream,
  planSellCover,
  positionStreamName,
  WorkingSell,
  workingSellOf,
} from '@robo/domain';
import { CLOCK, Clock, INSTRUMENTS } from '@robo/runtime';
import { AggregateRepository, withConflictRetry } from '../write/aggregate-repository';
import { CommandContext } from '../write/command-context';
import { derivedId } from '../write/event-ids';
import { KeyedMutex } from '../write/keyed-mutex';
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
    private readonly repository: AggregateRepository,
    private readonly locks: KeyedMutex,
    private readonly market: MarketContextService,
    @Inject(INSTRUMENTS) private readonly instruments: InstrumentCatalog,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Returns the highest global position it appended (0n when nothing changed). */
  async reevaluate(accountId: string, instrument: string, ctx: CommandContext, causeId: string): Promise<bigint> {
    const now = this.clock.now();
    const accountName = accountStream(accountId);
    const planned = await this.locks.run(accountName, () => withConflictRetry(async () => {
      const orders = (await this.market.workingOrders(accountId, instrument)).filter((o) => o.side === 'SELL');
      if (orders.length === 0) return { last: 0n, cancel: [] as string[] };
      const account = await this.repository.load(accountName, evolveAccount, initialAccountState);
      if (account.state.status !== 'OPEN') return { last: 0n, cancel: [] as string[] };
      const [position, lastPrice] = await Promise.all([
        this.repository.load(positionStreamName(accountId, instrument), evolvePosition, initialPositionState),
        this.market.lastPrice(instrument),
      ]);
      const reference = lastPrice ?? this.instruments.get(instrument)?.referencePricePaise ?? 0;
      const held = account.state.reservations;
      const sells = orders.map((o) => workingSellOf(o, reference, held.get(o.orderId) ?? 0)).filter((s): s is WorkingSell => s !== null);
      const plan = planSellCover(position.state.quantity, sells, buyingPower(account.state));
      const events = accountEvents(account.state, plan.adjustments, plan.cancel);
      if (events.length === 0) return { last: 0n, cancel: plan.cancel };
      const seed = derivedId(causeId, 'cover', String(account.revision));
      const appended = await this.repository.append(accountName, events, account.revision, ctx, { occurredAt: now, idSeed: seed });
      return { last: appended.lastGlobalPosition, cancel: plan.cancel };
    }));
    let last = planned.last;
    for (const orderId of planned.cancel) {
      const cancelled = await this.cancel(orderId, ctx, causeId, now);
      if (cancelled > last) last = cancelled;
    }
    return last;
  }

  /** Cancels the rest of a sell that lost its cover; nothing when it stopped working meanwhile. */
  private cancel(orderId: string, ctx: CommandContext, causeId: string, now: string): Promise<bigint> {
    const stream = orderStream(orderId);
    return this.locks.run(stream, () => withConflictRetry(async () => {
      const order = await this.repository.load(stream, evolveOrder, initialOrderState);
      if (order.state.status === 'NONE' || order.state.status === 'FILLED' || order.state.status === 'CANCELLED' || order.state.status === 'EXPIRED') return 0n;
      const events = decideOrder({ type: 'CancelOrder', data: { orderId, reason: COVER_LOST_REASON } }, order.state);
      const appended = await this.repository.append(stream, events, order.revision, ctx, { occurredAt: now, idSeed: derivedId(causeId, 'cover-cancel', orderId) });
      return appended.lastGlobalPosition;
    }));
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
