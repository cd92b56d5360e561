import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  accountStream,
  brokerOf,
  evolveAccount,
  evolveOrder,
  initialAccountState,
  initialOrderState,
  orderStream,
  type AccountEvent,
  type AccountState,
  type OrderEvent,
  type OrderState,
} from '@robo/domain';
import { EVENT_STORE, EventStore, REACTOR_CHECKPOINTS, type EventEnvelope, type ReactorCheckpointStore } from '@robo/event-store';
import type { ExecutionReport } from '@robo/paper';
import { APP_CONFIG, AppConfig, WALL_CLOCK, type WallClock } from '@robo/runtime';
import { KiteBroker } from '@robo/broker-kite';
import { OrderLifecycleMessage, type OrderLifecycleCommand } from '../orders/order-commands';
import type { LifecycleResult } from '../orders/order-lifecycle.handler';
import { type CommandContext, derivedId, type CommandOutcome } from '@robo/write-path';
import { followUntilAborted } from '../common/follow-until-aborted';
import { BrokerSessionService } from './broker-session.service';
import { BrokerHealthService } from './broker-health.service';
import { brokerOrderOf } from './broker-order';

import { KITE_BROKER } from './broker-tokens';

export { KITE_BROKER };
/** The broker routing's name among reactor checkpoints (kept on the event side, REACTOR_CHECKPOINTS). */
export const BROKER_ROUTING_CHECKPOINT = 'reactor.broker-routing';
export const BROKER_ACTOR = 'system:broker-kite';
/** The actor of what a reconciliation with the broker found (reports of the `reconciler` channel). */
export const RECONCILER_ACTOR = 'system:reconciler';
const TYPES = ['OrderAccepted', 'OrderCancelled'];

/**
 * Routes the orders of accounts whose broker is kite: follows the log from its checkpoint; an accepted order is
 * placed at Kite (KiteBroker.submit) and its Kite id recorded (OrderRouted); a cancel recorded by CancelOrder is sent
 * to Kite. Every report of the broker is recorded through the ordinary order commands on the order stream:
 * BrokerOrderUpdated for each status change (RecordBrokerUpdate), a fill per Kite trade (ReportFill, the trade id
 * as fill id and event-id seed, so a trade brought by two channels is one fill), triggers. An order accepted before
 * this process started (a crash between Kite accepting it and OrderRouted being written) is looked up by its tag at
 * Kite before anything is placed: it is never placed twice.
 */
@Injectable()
export class BrokerRoutingService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('BrokerRouting');
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private startHead = 0n;

  constructor(
    private readonly commandBus: CommandBus,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(REACTOR_CHECKPOINTS) private readonly checkpoints: ReactorCheckpointStore,
    @Inject(WALL_CLOCK) private readonly clock: WallClock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(KITE_BROKER) private readonly broker: KiteBroker | null,
    private readonly sessions: BrokerSessionService,
    private readonly health: BrokerHealthService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.broker || !this.config.runReactors) return;
    this.broker.onExecution((report) => this.record(report));
    this.startHead = await this.events.headPosition();
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.loop;
    await this.broker?.close();
  }

  private run(): Promise<void> {
    return followUntilAborted(this.abort.signal, () => this.follow(), (error, retryInMs) => this.logger.warn({ err: error, retryInMs }, 'broker routing failed; retrying'));
  }

  private async follow(): Promise<void> {
    let checkpoint = (await this.checkpoints.load(BROKER_ROUTING_CHECKPOINT)) ?? 0n;
    for await (const event of this.events.subscribeToAll({ after: checkpoint, filter: { eventTypes: TYPES }, signal: this.abort.signal })) {
      await this.handle(event);
      checkpoint = event.globalPosition;
      // Re-handling an event after a crash is harmless (routing is found by tag, cancels of final orders are no-ops).
      await this.checkpoints.save(BROKER_ROUTING_CHECKPOINT, checkpoint, this.clock.now());
    }
  }

  private async handle(event: EventEnvelope): Promise<void> {
    const broker = this.broker as KiteBroker;
    const orderId = (event.data as { orderId: string }).orderId;
    const accountId = (event.data as { accountId: string }).accountId;
    const account = await this.fold<AccountState, AccountEvent>(accountStream(accountId), evolveAccount, initialAccountState);
    if (brokerOf(account) !== 'kite') return;
    const order = await this.fold<OrderState, OrderEvent>(orderStream(orderId), evolveOrder, initialOrderState);
    if (order.status === 'NONE') return;
    if (event.type === 'OrderCancelled') {
      if (order.routing) await this.watched(() => broker.cancel(orderId));
      return;
    }
    const brokerOrder = brokerOrderOf(orderId, accountId, order);
    if (order.routing) {
      broker.resume(brokerOrder, order.routing.brokerOrderId, order.fillIds);
      return;
    }
    const ctx: CommandContext = { correlationId: event.metadata.correlationId, causationId: event.metadata.eventId, actor: BROKER_ACTOR };
    try {
      // A daily login since the last order (here or by the CLI) takes effect before this one is placed.
      await this.sessions.refreshKite();
      const { brokerOrderId, foundByTag } = await this.watched(() => broker.submit(brokerOrder, { lookUpFirst: event.globalPosition <= this.startHead }));
      // Found at Kite by its tag (placed before a crash, or an answer lost): what the reconciliation found.
      const routedCtx = foundByTag ? { ...ctx, actor: RECONCILER_ACTOR } : ctx;
      await this.execute(orderId, { type: 'RecordRouting', data: { orderId, broker: 'kite', brokerOrderId } }, routedCtx, derivedId(orderStream(orderId), 'routed'));
    } catch (error) {
      // Refused by Kite at placement, or not reachable: the order cannot be executed there; it ends, with the reason.
      const reason = `not placed at the broker: ${error instanceof Error ? error.message : String(error)}`;
      this.logger.warn({ orderId, reason }, 'order not routed');
      await this.execute(orderId, { type: 'ExpireOrder', data: { orderId, reason } }, ctx, derivedId(orderStream(orderId), 'not-routed'));
    }
  }

  /** A call to Kite whose outcome feeds the circuit breaker and the session's health (BrokerHealthService). */
  private async watched<T>(call: () => Promise<T>): Promise<T> {
    try {
      const result = await call();
      await this.health.recordKiteCall(null);
      return result;
    } catch (error) {
      await this.health.recordKiteCall(error);
      throw error;
    }
  }

  /** One broker report, recorded on the order stream through the ordinary order commands. */
  private async record(report: ExecutionReport): Promise<void> {
    const stream = orderStream(report.orderId);
    // What a reconciliation found (the catch-up after a (re)connection, a pass, a lookup by tag) is its actor's.
    const actor = 'channel' in report && report.channel === 'reconciler' ? RECONCILER_ACTOR : BROKER_ACTOR;
    const ctx: CommandContext = { correlationId: derivedId(stream, 'broker'), causationId: null, actor };
    switch (report.type) {
      case 'BROKER_STATUS': {
        const data = {
          orderId: report.orderId,
          brokerOrderId: report.brokerOrderId,
          brokerStatus: report.status,
          message: report.message,
          filledQuantity: report.filledQuantity,
          averagePricePaise: report.averagePricePaise,
          reportedAt: report.occurredAt,
          channel: report.channel,
        };
        // An update can arrive before placeOrder answered: the routing it proves is recorded first (the same id).
        await this.execute(report.orderId, { type: 'RecordRouting', data: { orderId: report.orderId, broker: 'kite', brokerOrderId: report.brokerOrderId } }, ctx, derivedId(stream, 'routed'));
        await this.execute(report.orderId, { type: 'RecordBrokerUpdate', data }, ctx, derivedId(stream, 'broker-update', report.status, String(report.filledQuantity)));
        return;
      }
      case 'FILL': {
        const { orderId, fillId, quantity, pricePaise, occurredAt, brokerOrderId, channel } = report;
        const foundBy = brokerOrderId && channel ? { broker: 'kite', brokerOrderId, channel } : undefined;
        // The same event-id seed as POST /fills and the paper broker: a fill id reported twice is one fill.
        await this.execute(orderId, { type: 'ReportFill', data: { orderId, fillId, quantity, pricePaise, occurredAt, ...(foundBy ? { foundBy } : {}) } }, ctx, derivedId(stream, 'fill', fillId));
        return;
      }
      case 'TRIGGERED':
        await this.execute(report.orderId, { type: 'TriggerOrder', data: { orderId: report.orderId, lastPricePaise: report.lastPricePaise, now: report.occurredAt } }, ctx, derivedId(stream, 'broker-trigger'));
        return;
      case 'EXPIRED':
        await this.execute(report.orderId, { type: 'ExpireOrder', data: { orderId: report.orderId, reason: report.reason } }, ctx, derivedId(stream, 'broker-expire'));
        return;
      default: {
        const unknown: never = report;
        throw new Error(`unknown report ${JSON.stringify(unknown)}`);
      }
    }
  }

  private async execute(orderId: string, command: OrderLifecycleCommand, ctx: CommandContext, idSeed: string): Promise<void> {
    const outcome = await this.commandBus.execute<OrderLifecycleMessage, CommandOutcome<LifecycleResult>>(new OrderLifecycleMessage(orderId, () => command, ctx, idSeed));
    if (outcome.outcome === 'rejected') this.logger.warn({ orderId, command: command.type, code: outcome.code, message: outcome.message }, 'broker report refused');
  }

  private async fold<S, E>(stream: string, evolve: (s: S, e: E) => S, initial: S): Promise<S> {
    const events = await this.events.readStream(stream);
    return events.reduce((state, e) => evolve(state, { type: e.type, data: e.data } as E), initial);
  }
}
