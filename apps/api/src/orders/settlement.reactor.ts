import { Injectable } from '@nestjs/common';
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
  istTradingDay,
  OpenAccountState,
  OrderEvent,
  orderStream,
  positionStreamName,
} from '@robo/domain';
import { NewEvent } from '@robo/event-store';
import { AggregateRepository, withConflictRetry } from '../write/aggregate-repository';
import { CommandContext } from '../write/command-context';
import { derivedId } from '../write/event-ids';
import { KeyedMutex } from '../write/keyed-mutex';

const HANDLED = new Set(['OrderPartiallyFilled', 'OrderFilled', 'OrderCancelled', 'OrderExpired']);

/**
 * Applies an order's fills to its position and the account's cash, and gives back reservations when an order
 * ends. Every event it appends has an id derived from the order event it reacts to, so running it twice (inline
 * after the command, then again from the log subscription, or after a crash) changes nothing.
 */
@Injectable()
export class SettlementReactor {
  constructor(
    private readonly repository: AggregateRepository,
    private readonly locks: KeyedMutex,
  ) {}

  handles(type: string): boolean {
    return HANDLED.has(type);
  }

  /** Returns the highest global position it appended (0n when it appended nothing new). */
  async handle(event: NewEvent): Promise<bigint> {
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
      // Broker fill ids are unique per order, not globally: position and cash key them by order too.
      const fillKey = `${orderId}:${fill.fillId}`;
      const stream = positionStreamName(accountId, instrument);
      const realized = await this.locks.run(stream, () => withConflictRetry(async () => {
        const position = await this.repository.load(stream, evolvePosition, initialPositionState);
        const events = decidePosition(
          {
            type: 'ApplyFill',
            data: { accountId, instrument, orderId, fillId: fillKey, side, quantity: fill.quantity, pricePaise: fill.pricePaise, feesPaise: fill.feesPaise, occurredAt: fill.occurredAt },
          },
          position.state,
        );
        if (events.length > 0) {
          const result = await this.repository.append(stream, events, position.revision, ctx, { occurredAt: fill.occurredAt, idSeed: derivedId(event.metadata.eventId, 'position') });
          if (result.lastGlobalPosition > last) last = result.lastGlobalPosition;
        }
        const after = events.length > 0 ? events.reduce(evolvePosition, position.state) : position.state;
        return after.appliedFills.get(fillKey)?.realizedNetPaise ?? 0;
      }));

      last = max(last, await this.onAccount(accountId, ctx, fill.occurredAt, derivedId(event.metadata.eventId, 'settle'), (account) => {
        // This fill's share of the order's reservation: pro rata to the quantity it took out of what was open.
        const held = account.reservations.get(orderId) ?? 0;
        const openBefore = fill.remainingQuantity + fill.quantity;
        const share = fill.remainingQuantity === 0 ? held : Math.floor((held * fill.quantity) / openBefore);
        return decideAccount(
          {
            type: 'SettleFill',
            data: {
              accountId,
              orderId,
              fillId: fillKey,
              instrument,
              side,
              quantity: fill.quantity,
              pricePaise: fill.pricePaise,
              feesPaise: fill.feesPaise,
              reservationToReleasePaise: share,
              realizedPnlPaise: realized,
              tradingDay: istTradingDay(fill.occurredAt),
            },
          },
          account,
        );
      }));
    }

    if (isFinal(order.state.status)) {
      last = max(last, await this.onAccount(accountId, ctx, event.metadata.occurredAt, derivedId(event.metadata.eventId, 'release'), (account) =>
        decideAccount({ type: 'ReleaseReservation', data: { accountId, orderId, reason: `order ${order.state.status.toLowerCase()}` } }, account),
      ));
    }
    return last;
  }

  private onAccount(
    accountId: string,
    ctx: CommandContext,
    occurredAt: string,
    idSeed: string,
    decide: (account: OpenAccountState) => AccountEvent[],
  ): Promise<bigint> {
    const stream = accountStream(accountId);
    return this.locks.run(stream, () => withConflictRetry(async () => {
      const account = await this.repository.load(stream, evolveAccount, initialAccountState);
      if (account.state.status !== 'OPEN') return 0n;
      const events = decide(account.state);
      if (events.length === 0) return 0n;
      const result = await this.repository.append(stream, events, account.revision, ctx, { occurredAt, idSeed });
      return result.lastGlobalPosition;
    }));
  }
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
