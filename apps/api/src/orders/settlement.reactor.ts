import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '@robo/runtime';
import {
  AccountEvent,
  accountStream,
  decideAccount,
  decidePosition,
  evolveAccount,
  evolveOrder,
  evolvePosition,
  initialAccountState,
  initialOrderState,
  initialPositionState,
  isFinal,
  OpenAccountState,
  OrderEvent,
  orderStream,
  positionFillCommand,
  positionStreamName,
  realizedByFill,
  settleFillCommand,
  istTradingDay,
} from '@robo/domain';
import { EVENT_STORE, EventStore, NewEvent } from '@robo/event-store';
import { AggregateRepository, withConflictRetry } from '../write/aggregate-repository';
import { CommandContext } from '../write/command-context';
import { derivedId } from '../write/event-ids';
import { KeyedMutex } from '../write/keyed-mutex';
import { SellCoverReactor } from './sell-cover.reactor';

const HANDLED = new Set(['OrderPartiallyFilled', 'OrderFilled', 'OrderCancelled', 'OrderExpired']);

/**
 * Applies an order's fills to its position and the account's cash, and gives back reservations when an order
 * ends. Every event it appends has an id derived from the order event it reacts to, so running it twice (inline
 * after the command, then again from the log subscription, or after a crash) changes nothing. The commands it
 * issues are built by the domain (positionFillCommand, settleFillCommand), the same ones the fill decision checked
 * before the order event was appended.
 */
@Injectable()
export class SettlementReactor {
  constructor(
    private readonly repository: AggregateRepository,
    private readonly locks: KeyedMutex,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly cover: SellCoverReactor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  handles(type: string): boolean {
    return HANDLED.has(type);
  }

  /**
   * Returns the highest global position of the effects of the event, whether this run appended them or an earlier
   * run (inline or the log follower) already had: when an effect is found already applied, the position of its
   * stream's head (at or after that effect) is taken, so a command's response always covers all of its effects.
   * 0n when the event has no effect. The log follower, which needs no position, passes `report: false` and saves
   * the reads of stream heads.
   */
  async handle(event: NewEvent, report = true): Promise<bigint> {
    if (!this.handles(event.type)) return 0n;
    const orderEvent = { type: event.type, data: event.data } as OrderEvent;
    const orderId = (orderEvent.data as { orderId: string }).orderId;
    const order = await this.repository.load(orderStream(orderId), evolveOrder, initialOrderState);
    if (order.state.status === 'NONE') return 0n;
    const { accountId, instrument, side } = order.state;
    const ctx: CommandContext = {
      correlationId: event.metadata.correlationId,
      causationId: event.metadata.eventId,
      actor: event.metadata.actor,
    };
    let last = 0n;

    if (orderEvent.type === 'OrderPartiallyFilled' || orderEvent.type === 'OrderFilled') {
      const fill = orderEvent.data;
      const settled = { orderId, accountId, instrument, side };
      const stream = positionStreamName(accountId, instrument);
      const realized = await this.locks.run(stream, () => withConflictRetry(async () => {
        const position = await this.repository.load(stream, evolvePosition, initialPositionState);
        const events = decidePosition(positionFillCommand(settled, fill), position.state);
        if (events.length > 0) {
          const result = await this.repository.append(stream, events, position.revision, ctx, { occurredAt: fill.occurredAt, idSeed: derivedId(event.metadata.eventId, 'position') });
          last = max(last, result.lastGlobalPosition);
        } else if (report) {
          last = max(last, await this.headPosition(stream));
        }
        const after = events.length > 0 ? events.reduce(evolvePosition, position.state) : position.state;
        return realizedByFill(after, orderId, fill.fillId);
      }));

      last = max(last, await this.onAccount(accountId, ctx, fill.occurredAt, derivedId(event.metadata.eventId, 'settle'), report, (account) =>
        // The daily loss limit counts the fill on the day it is recorded, whatever its business date.
        decideAccount(settleFillCommand(settled, fill, account, realized, istTradingDay(this.clock.now())), account),
      ));
    }

    if (isFinal(order.state.status)) {
      last = max(last, await this.onAccount(accountId, ctx, event.metadata.occurredAt, derivedId(event.metadata.eventId, 'release'), report, (account) =>
        decideAccount({ type: 'ReleaseReservation', data: { accountId, orderId, reason: `order ${order.state.status.toLowerCase()}` } }, account),
      ));
    }
    // The held long or the working sells changed: what the long covers for the other sells is decided again.
    return max(last, await this.cover.reevaluate(accountId, instrument, ctx, event.metadata.eventId));
  }

  private onAccount(
    accountId: string,
    ctx: CommandContext,
    occurredAt: string,
    idSeed: string,
    report: boolean,
    decide: (account: OpenAccountState) => AccountEvent[],
  ): Promise<bigint> {
    const stream = accountStream(accountId);
    return this.locks.run(stream, () => withConflictRetry(async () => {
      const account = await this.repository.load(stream, evolveAccount, initialAccountState);
      if (account.state.status !== 'OPEN') return 0n;
      const events = decide(account.state);
      // Nothing to do now: settled (or released) before, by this run's twin; its effect is at or before the head.
      if (events.length === 0) return report ? this.headPosition(stream) : 0n;
      const result = await this.repository.append(stream, events, account.revision, ctx, { occurredAt, idSeed });
      return result.lastGlobalPosition;
    }));
  }

  private async headPosition(stream: string): Promise<bigint> {
    const [head] = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
    return head?.globalPosition ?? 0n;
  }
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
