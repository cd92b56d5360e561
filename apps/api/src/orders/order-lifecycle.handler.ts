import { Inject, Logger } from '@nestjs/common';
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
  OrderEvent,
  OrderState,
  orderStream,
  positionStreamName,
} from '@robo/domain';
import { APP_CONFIG, AppConfig, CHARGE_SCHEDULES_IN_FORCE, CLOCK, Clock, INSTRUMENTS, MARKET_CALENDAR } from '@robo/runtime';
import { EVENT_STORE, EventStore, NewEvent } from '@robo/event-store';
import { type CommandOutcome, appendEvents, WriteStep } from '@robo/write-path';
import { OrderCommandResult, OrderLifecycleMessage } from './order-commands';
import { SettlementReactor } from './settlement.reactor';

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
 * Answers accepted (appended), already-done (a fill id already applied, nothing changed) or rejected.
 */
@CommandHandler(OrderLifecycleMessage)
export class OrderLifecycleHandler implements ICommandHandler<OrderLifecycleMessage, CommandOutcome<LifecycleResult>> {
  private readonly logger = new Logger(OrderLifecycleHandler.name);

  constructor(
    private readonly step: WriteStep,
    private readonly reactor: SettlementReactor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INSTRUMENTS) private readonly instruments: InstrumentCatalog,
    @Inject(MARKET_CALENDAR) private readonly calendar: MarketCalendar,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CHARGE_SCHEDULES_IN_FORCE) private readonly chargeSchedules: readonly ChargeSchedule[],
  ) {}

  async execute({ orderId, build, ctx, idSeed }: OrderLifecycleMessage): Promise<CommandOutcome<LifecycleResult>> {
    const stream = orderStream(orderId);
    const stepped = await this.step.run<OrderState, OrderEvent, string | null>({
      stream,
      evolve: evolveOrder,
      initial: initialOrderState,
      ctx,
      lock: true,
      decide: async (order) => {
        if (order.state.status === 'NONE') throw new NotFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`);
        const request = build(order.state);
        const command: OrderCommand = request.type === 'ReportFill' ? { ...request, context: await this.fillContext(order.state) } : request;
        const events = decideOrder(command, order.state);
        // Business time: the execution time for a fill, the trigger time for a trigger, the broker's time for its report, now for the rest.
        const occurredAt =
          command.type === 'ReportFill' ? command.data.occurredAt : command.type === 'TriggerOrder' ? command.data.now : command.type === 'RecordBrokerUpdate' ? command.data.reportedAt : this.clock.now();
        return appendEvents(events, occurredAt, idSeed, command.type === 'ReportFill' ? command.data.fillId : null);
      },
    });
    if (stepped.outcome === 'rejected') return stepped;

    let position = stepped.globalPosition;
    // A fill reported again: its effects are (re)applied by the idempotent reactor and covered by the answer too.
    const reactTo = stepped.outcome === 'accepted' ? stepped.events : stepped.value !== null ? await this.fillEvents(stream, stepped.value) : [];
    for (const event of reactTo) {
      const reacted = await this.reactor.handle(event);
      if (reacted.outcome === 'rejected') {
        // The fill decision checked what the reactor applies: a refusal here is a bug, and the log follower retries.
        this.logger.error({ orderId, eventId: event.metadata.eventId, code: reacted.code, message: reacted.message }, 'settlement refused an order event');
      } else if (reacted.result > position) {
        position = reacted.result;
      }
    }
    const changed = stepped.outcome === 'accepted';
    return {
      outcome: stepped.outcome,
      result: { orderId, status: stepped.state.status, streamRevision: Number(stepped.revision ?? -1n), globalPosition: Number(position), changed },
    };
  }

  /** What a fill is decided against besides its order: the position and account it moves, and the rules' data. */
  private async fillContext(order: ExistingOrder): Promise<FillContext> {
    const instrument = this.instruments.get(order.instrument);
    if (!instrument) throw new InvalidCommand('UNKNOWN_INSTRUMENT', `instrument ${order.instrument} is not in the catalog`, { instrument: order.instrument });
    const [position, account] = await Promise.all([
      this.step.load(positionStreamName(order.accountId, order.instrument), evolvePosition, initialPositionState),
      this.step.load(accountStream(order.accountId), evolveAccount, initialAccountState),
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
  private async fillEvents(stream: string, fillId: string): Promise<NewEvent[]> {
    const events = await this.store.readStream(stream, { maxCount: 100_000 });
    return events.filter((e) => (e.type === 'OrderPartiallyFilled' || e.type === 'OrderFilled') && (e.data as { fillId?: string }).fillId === fillId);
  }
}
