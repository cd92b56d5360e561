import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '@robo/runtime';
import {
  AccountEvent,
  AccountState,
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
  PositionEvent,
  PositionState,
  positionStreamName,
  realizedByFill,
  settleFillCommand,
  istTradingDay,
} from '@robo/domain';
import { NewEvent } from '@robo/event-store';
import { CommandContext, derivedId, type CommandOutcome, appendEvents, nothingToDo, type StepOutcome, WriteStep } from '@robo/write-path';
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
    private readonly step: WriteStep,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly cover: SellCoverReactor,
  ) {}

  handles(type: string): boolean {
    return HANDLED.has(type);
  }

  /**
   * The outcome of reacting to one order event: accepted when this run appended an effect, already-done when every
   * effect was there already (or the event has none), a rejection when an effect could not be applied (the effects
   * after it are not tried). Its result is the highest global position of the event's effects, whether this run
   * appended them or an earlier run (inline or the log follower) did: when an effect is found already applied, the
   * position of its stream's head (at or after that effect) is taken, so a command's response always covers all of
   * its effects. The log follower, which needs no position, passes `reportPosition: false` and saves the reads of heads.
   */
  async handle(event: NewEvent, { reportPosition = true }: { reportPosition?: boolean } = {}): Promise<CommandOutcome<bigint>> {
    const report = reportPosition;
    if (!this.handles(event.type)) return { outcome: 'already-done', result: 0n };
    const orderEvent = { type: event.type, data: event.data } as OrderEvent;
    const orderId = (orderEvent.data as { orderId: string }).orderId;
    const order = await this.step.load(orderStream(orderId), evolveOrder, initialOrderState);
    if (order.state.status === 'NONE') return { outcome: 'already-done', result: 0n };
    const { accountId, instrument, side } = order.state;
    const ctx: CommandContext = {
      correlationId: event.metadata.correlationId,
      causationId: event.metadata.eventId,
      actor: event.metadata.actor,
    };
    const effects = new Effects();

    if (orderEvent.type === 'OrderPartiallyFilled' || orderEvent.type === 'OrderFilled') {
      const fill = orderEvent.data;
      const settled = { orderId, accountId, instrument, side };
      const moved = await this.step.run<PositionState, PositionEvent, null>({
        stream: positionStreamName(accountId, instrument),
        evolve: evolvePosition,
        initial: initialPositionState,
        ctx,
        lock: true,
        headPosition: report,
        decide: ({ state }) => appendEvents(decidePosition(positionFillCommand(settled, fill), state), fill.occurredAt, derivedId(event.metadata.eventId, 'position'), null),
      });
      if (!effects.add(moved)) return effects.outcome();
      const realized = realizedByFill(moved.state, orderId, fill.fillId);

      const cash = await this.onAccount(accountId, ctx, fill.occurredAt, derivedId(event.metadata.eventId, 'settle'), report, (account) =>
        // The daily loss limit counts the fill on the day it is recorded, whatever its business date.
        decideAccount(settleFillCommand(settled, fill, account, realized, istTradingDay(this.clock.now())), account),
      );
      if (!effects.add(cash)) return effects.outcome();
    }

    if (isFinal(order.state.status)) {
      const released = await this.onAccount(accountId, ctx, event.metadata.occurredAt, derivedId(event.metadata.eventId, 'release'), report, (account) =>
        decideAccount({ type: 'ReleaseReservation', data: { accountId, orderId, reason: `order ${order.state.status.toLowerCase()}` } }, account),
      );
      if (!effects.add(released)) return effects.outcome();
    }
    // The held long or the working sells changed: what the long covers for the other sells is decided again.
    effects.addOutcome(await this.cover.reevaluate(accountId, instrument, ctx, event.metadata.eventId));
    return effects.outcome();
  }

  private onAccount(
    accountId: string,
    ctx: CommandContext,
    occurredAt: string,
    idSeed: string,
    report: boolean,
    decide: (account: OpenAccountState) => AccountEvent[],
  ): Promise<StepOutcome<AccountState, null>> {
    return this.step.run<AccountState, AccountEvent, null>({
      stream: accountStream(accountId),
      evolve: evolveAccount,
      initial: initialAccountState,
      ctx,
      lock: true,
      // Nothing to do now: settled (or released) before, by this run's twin; its effect is at or before the head.
      headPosition: report,
      decide: ({ state }) => (state.status !== 'OPEN' ? nothingToDo(null) : appendEvents(decide(state), occurredAt, idSeed, null)),
    });
  }
}

/** The effects of one event so far: whether any was appended, their highest position, the first rejection. */
class Effects {
  private appended = false;
  private last = 0n;
  private refused: Extract<CommandOutcome<bigint>, { outcome: 'rejected' }> | null = null;

  /** False when the step was rejected (the reaction stops there). */
  add(step: StepOutcome<unknown, unknown>): step is Exclude<typeof step, { outcome: 'rejected' }> {
    if (step.outcome === 'rejected') {
      this.refused = step;
      return false;
    }
    if (step.outcome === 'accepted') this.appended = true;
    if (step.globalPosition > this.last) this.last = step.globalPosition;
    return true;
  }

  addOutcome(outcome: CommandOutcome<bigint>): void {
    if (outcome.outcome === 'rejected') {
      this.refused = outcome;
      return;
    }
    if (outcome.outcome === 'accepted') this.appended = true;
    if (outcome.result > this.last) this.last = outcome.result;
  }

  outcome(): CommandOutcome<bigint> {
    if (this.refused !== null) return this.refused;
    return { outcome: this.appended ? 'accepted' : 'already-done', result: this.last };
  }
}
