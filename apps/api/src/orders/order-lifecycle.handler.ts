import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  accountStream,
  type ChargeSchedule,
  decideOrder,
  evolveAccount,
  evolveOrder,
  evolvePosition,
  ExistingOrder,
  FillContext,
  initialAccountState,
  initialOrderState,
  initialPositionState,
  InstrumentCatalog,
  InvalidCommand,
  MarketCalendar,
  NotFound,
  OrderCommand,
  orderStream,
  positionStreamName,
} from '@robo/domain';
import { APP_CONFIG, AppConfig, CHARGE_SCHEDULES_IN_FORCE, CLOCK, Clock, INSTRUMENTS, MARKET_CALENDAR } from '@robo/runtime';
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
 * Fills, cancels, expiries and triggers. A fill is decided against the position and the account it will move (loaded
 * here and passed to the domain), so a fill the settlement could not apply is refused before anything is appended.
 * After the order stream is appended, the settlement reactor runs inline so that the response's global position
 * covers the position and cash changes too (a client can read its own write), whether this run or the reactor's run
 * from the log appended them; that run makes the effect certain even if this process dies in between.
 */
@CommandHandler(OrderLifecycleMessage)
export class OrderLifecycleHandler implements ICommandHandler<OrderLifecycleMessage, LifecycleResult> {
  constructor(
    private readonly repository: AggregateRepository,
    private readonly reactor: SettlementReactor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly locks: KeyedMutex,
    @Inject(INSTRUMENTS) private readonly instruments: InstrumentCatalog,
    @Inject(MARKET_CALENDAR) private readonly calendar: MarketCalendar,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CHARGE_SCHEDULES_IN_FORCE) private readonly chargeSchedules: readonly ChargeSchedule[],
  ) {}

  async execute({ orderId, build, ctx, idSeed }: OrderLifecycleMessage): Promise<LifecycleResult> {
    const stream = orderStream(orderId);
    const outcome = await this.locks.run(stream, () => withConflictRetry(async () => {
      const order = await this.repository.load(stream, evolveOrder, initialOrderState);
      if (order.state.status === 'NONE') throw new NotFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
      const request = build(order.state);
      const command: OrderCommand = request.type === 'ReportFill' ? { ...request, context: await this.fillContext(order.state) } : request;
      const events = decideOrder(command, order.state);
      if (events.length === 0) return { appended: null, status: order.state.status, revision: order.revision, fillId: command.type === 'ReportFill' ? command.data.fillId : null };
      // Business time: the execution time for a fill, the trigger time for a trigger, now for the rest.
      const occurredAt = command.type === 'ReportFill' ? command.data.occurredAt : command.type === 'TriggerOrder' ? command.data.now : this.clock.now();
      const appended = await this.repository.append(stream, events, order.revision, ctx, { occurredAt, idSeed });
      const status = events.reduce(evolveOrder, order.state).status;
      return { appended, status, revision: appended.nextExpectedRevision, fillId: null };
    }));

    if (outcome.appended === null) {
      const [last] = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
      let position = last?.globalPosition ?? 0n;
      // A fill reported again: its effects are (re)applied by the idempotent reactor and covered by the answer too.
      if (outcome.fillId !== null) {
        for (const event of await this.fillEvents(stream, outcome.fillId)) {
          const reacted = await this.reactor.handle(event);
          if (reacted > position) position = reacted;
        }
      }
      return { orderId, status: outcome.status, streamRevision: Number(outcome.revision ?? -1n), globalPosition: Number(position), changed: false };
    }
    let position = outcome.appended.lastGlobalPosition;
    for (const event of outcome.appended.events) {
      const reacted = await this.reactor.handle(event);
      if (reacted > position) position = reacted;
    }
    return { orderId, status: outcome.status, streamRevision: Number(outcome.revision), globalPosition: Number(position), changed: true };
  }

  /** What a fill is decided against besides its order: the position and account it moves, and the rules' data. */
  private async fillContext(order: ExistingOrder): Promise<FillContext> {
    const instrument = this.instruments.get(order.instrument);
    if (!instrument) throw new InvalidCommand('UNKNOWN_INSTRUMENT', `instrument ${order.instrument} is not in the catalog`, { instrument: order.instrument });
    const [position, account] = await Promise.all([
      this.repository.load(positionStreamName(order.accountId, order.instrument), evolvePosition, initialPositionState),
      this.repository.load(accountStream(order.accountId), evolveAccount, initialAccountState),
    ]);
    return {
      now: this.clock.now(),
      clockSkewMs: this.config.fillClockSkewMs,
      instrument,
      calendar: this.calendar,
      chargeSchedules: this.chargeSchedules,
      position: position.state,
      account: account.state,
    };
  }

  /** The recorded fill event of a fill id (an order stream holds a few dozen events at most). */
  private async fillEvents(stream: string, fillId: string) {
    const events = await this.store.readStream(stream, { maxCount: 100_000 });
    return events.filter((e) => (e.type === 'OrderPartiallyFilled' || e.type === 'OrderFilled') && (e.data as { fillId?: string }).fillId === fillId);
  }
}
