import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import {
  brokerStream,
  decideReconciliation,
  evolveBrokerReconciliation,
  evolveOrder,
  initialBrokerReconciliationState,
  initialOrderState,
  reconciliationDayOf,
  orderStream,
  type BrokerEvent,
  type BrokerReconciliationState,
  type IsoInstant,
  type PositionFact,
} from '@robo/domain';
import { EVENT_STORE, type EventStore } from '@robo/event-store';
import type { KiteBroker, KiteListedOrder } from '@robo/broker-kite';
import { RECONCILED_KINDS, type KiteReconciliation, type ReconciledKind } from '@robo/contract';
import { APP_CONFIG, AppConfig, CLOCK, type Clock } from '@robo/runtime';
import { appendEvents, derivedId, WriteStep } from '@robo/write-path';
import { MetricsService } from '../projections/metrics.service';
import { KITE_BROKER, RECONCILER_ACTOR } from './broker-routing.service';
import { brokerOrderOf } from './broker-order';
import { KiteLedger } from './kite-ledger';

const STREAM = brokerStream('kite');
const PAGE = 5000;

/** What an event appended by the reconciler is, for the counts of a pass and the metric's `kind` label. */
const KIND_OF: Record<string, ReconciledKind> = {
  OrderPartiallyFilled: 'fill',
  OrderFilled: 'fill',
  BrokerOrderUpdated: 'broker_status',
  OrderRouted: 'routing',
  ExternalBrokerOrderSeen: 'external_order',
  PositionDiscrepancyFound: 'discrepancy_found',
  PositionDiscrepancyCleared: 'discrepancy_cleared',
};
const noCounts = (): Record<ReconciledKind, number> => Object.fromEntries(RECONCILED_KINDS.map((k) => [k, 0])) as Record<ReconciledKind, number>;

/**
 * Reconciles Kite with the log: at start, after every ticker reconnection and every KITE_RECONCILE_SECONDS. A pass:
 * 1. our orders Kite lists (by their tag) that this process does not follow yet (routed before a restart, or placed
 *    at Kite by a process that died before recording it) are taken back from the log (KiteBroker.resume);
 * 2. the catch-up from Kite's orders and trades reports every missed status, trade and routing (channel
 *    `reconciler`: recorded on the order streams by the broker routing, actor system:reconciler, fills with
 *    `foundBy`, the trade id as the fill id, so a later ticker or postback copy is a no-op);
 * 3. what Kite's orders and day positions still mean is the domain's (decideReconciliation): orders placed outside
 *    this system (ExternalBrokerOrderSeen) and day positions that disagree (PositionDiscrepancyFound, then
 *    PositionDiscrepancyCleared) are recorded on the `broker-kite` stream, actor system:reconciler.
 * A pass that finds nothing new appends nothing.
 */
@Injectable()
export class KiteReconcilerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('KiteReconciler');
  private readonly ledger: KiteLedger;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private passes = 0;
  private failures = 0;
  private lastPassAt: IsoInstant | null = null;
  private lastError: string | null = null;
  private lastAppended = noCounts();
  /** The log's head when the last pass ended: what the reconciler appended after it is the next pass's. */
  private countedUpTo = 0n;
  private readonly passListeners = new Set<() => void>();
  private readonly runs: Counter<'broker' | 'outcome'>;
  private readonly reconciled: Counter<'broker' | 'kind'>;
  private offConnected: (() => void) | null = null;

  constructor(
    private readonly step: WriteStep,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(KITE_BROKER) private readonly broker: KiteBroker | null,
    metrics: MetricsService,
  ) {
    this.ledger = new KiteLedger(events);
    const registers = [metrics.registry];
    this.runs = new Counter({ name: 'robo_broker_reconciliation_runs_total', help: 'Reconciliation passes against the broker, by outcome (ok, failed)', labelNames: ['broker', 'outcome'], registers });
    this.reconciled = new Counter({
      name: 'robo_broker_reconciled_events_total',
      help: 'Events appended by the reconciliation with the broker (actor system:reconciler), by kind',
      labelNames: ['broker', 'kind'],
      registers,
    });
    const lastPass: Gauge<'broker'> = new Gauge({
      name: 'robo_broker_reconciliation_last_pass_timestamp_seconds',
      help: 'When the last reconciliation pass that completed read the broker (Unix seconds, business clock)',
      labelNames: ['broker'],
      registers,
      collect: () => {
        if (this.lastPassAt) lastPass.set({ broker: 'kite' }, Date.parse(this.lastPassAt) / 1000);
      },
    });
    const fromStream = (name: string, help: string, pick: (s: BrokerReconciliationState) => number): void => {
      const gauge: Gauge<'broker'> = new Gauge({
        name,
        help,
        labelNames: ['broker'],
        registers,
        collect: async () => {
          if (this.broker) gauge.set({ broker: 'kite' }, pick(await this.state()));
        },
      });
    };
    fromStream('robo_broker_discrepancies', 'Day positions that disagree with the broker now (PositionDiscrepancyFound not yet cleared)', (s) => s.discrepancies.size);
    fromStream('robo_broker_external_orders', 'Broker orders placed outside this system, recorded (ExternalBrokerOrderSeen)', (s) => s.externalOrderIds.size);
  }

  async onApplicationBootstrap(): Promise<void> {
    const broker = this.broker;
    if (!broker || !this.config.runReactors) return;
    // Counted from here (what the reconciler appended before this start was counted then). The await also lets the
    // broker routing register its report listener (its bootstrap hook runs alongside) before the first pass.
    this.countedUpTo = await this.events.headPosition();
    // The adapter catches up after every (re)connection; a whole pass follows it.
    this.offConnected = broker.onConnected(() => void this.passQuietly());
    void this.passQuietly();
    const seconds = this.config.kite?.reconcileSeconds ?? 0;
    if (seconds > 0) this.timer = setInterval(() => void this.passQuietly(), seconds * 1000);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.offConnected?.();
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Called after each pass, completed or failed. */
  onPass(listener: () => void): () => void {
    this.passListeners.add(listener);
    return () => this.passListeners.delete(listener);
  }

  /**
   * One pass (a pass already running is joined, then one more runs: it sees everything before the call). Throws
   * when Kite cannot be read; the domain's records of a pass that failed are not appended.
   */
  async reconcile(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
    if (!this.broker || this.stopped) return;
    this.running = this.pass(this.broker).finally(() => {
      this.running = null;
      for (const l of [...this.passListeners]) l();
    });
    await this.running;
  }

  async view(): Promise<KiteReconciliation> {
    const recorded = await this.events.readStream(STREAM);
    const externalOrders: KiteReconciliation['externalOrders'] = [];
    let state = initialBrokerReconciliationState;
    for (const e of recorded) {
      const event = { type: e.type, data: e.data } as BrokerEvent;
      if (event.type === 'ExternalBrokerOrderSeen') externalOrders.push(event.data);
      state = evolveBrokerReconciliation(state, event);
    }
    return {
      broker: 'kite',
      intervalSeconds: this.config.kite?.reconcileSeconds ?? 0,
      passes: this.passes,
      failedPasses: this.failures,
      lastPassAt: this.lastPassAt,
      lastError: this.lastError,
      lastPassAppended: { ...this.lastAppended },
      externalOrders,
      openDiscrepancies: [...state.discrepancies.values()],
    };
  }

  private async passQuietly(): Promise<void> {
    try {
      await this.reconcile();
    } catch (error) {
      this.logger.warn({ err: error }, 'reconciliation with Kite failed; the next pass tries again');
    }
  }

  private async pass(broker: KiteBroker): Promise<void> {
    try {
      await this.adopt(broker, await broker.listOrders());
      const snapshot = await broker.reconcile();
      const at = this.clock.now();
      // Every execution the catch-up reported is in the log now (each report is recorded before the next is read).
      await this.ledger.sync();
      const ours = this.ledger.netOfDay(reconciliationDayOf(at));
      const positions: PositionFact[] = [...new Set([...snapshot.dayPositions.keys(), ...ours.keys()])].map((instrument) => ({
        instrument,
        brokerQuantity: snapshot.dayPositions.get(instrument) ?? 0,
        ourQuantity: ours.get(instrument) ?? 0,
      }));
      const orders = snapshot.orders.map((o) => ({
        brokerOrderId: o.brokerOrderId,
        tag: o.tag,
        instrument: o.instrument,
        side: o.side,
        quantity: o.quantity,
        brokerStatus: o.status,
        routedByUs: this.ledger.routedByUs(o.brokerOrderId),
        tagIsOurs: this.ledger.tagIsOurs(o.tags),
      }));
      const outcome = await this.step.run<BrokerReconciliationState, BrokerEvent, null>({
        stream: STREAM,
        evolve: evolveBrokerReconciliation,
        initial: initialBrokerReconciliationState,
        ctx: { correlationId: derivedId(STREAM, 'reconcile', at), causationId: null, actor: RECONCILER_ACTOR },
        lock: true,
        decide: ({ state }) => appendEvents(decideReconciliation({ broker: 'kite', at, orders, positions }, state), at, null, null),
      });
      if (outcome.outcome === 'rejected') throw new Error(`${outcome.code}: ${outcome.message}`);
      for (const e of outcome.events) this.logger.warn({ type: e.type, data: e.data }, 'reconciliation with Kite found a difference');
      await this.count();
      this.passes += 1;
      this.lastPassAt = at;
      this.lastError = null;
      this.runs.inc({ broker: 'kite', outcome: 'ok' });
    } catch (error) {
      this.failures += 1;
      this.lastError = error instanceof Error ? error.message : String(error);
      this.runs.inc({ broker: 'kite', outcome: 'failed' });
      throw error;
    }
  }

  /**
   * Our orders at Kite (found by their tag) that this process does not follow: taken back with what the log holds
   * of them (their Kite id when the routing was recorded, their fills), so the catch-up reports only what is missing.
   * One whose routing was never recorded (the process died between Kite accepting it and the event) gets it from
   * the catch-up's first report; it is never placed again (the routing looks it up by its tag first).
   */
  private async adopt(broker: KiteBroker, listed: readonly KiteListedOrder[]): Promise<void> {
    await this.ledger.sync();
    for (const o of listed) {
      const orderId = this.ledger.orderOfTags(o.tags);
      if (!orderId || broker.isTracking(orderId)) continue;
      const { state: order } = await this.step.load(orderStream(orderId), evolveOrder, initialOrderState);
      if (order.status === 'NONE') continue;
      broker.resume(brokerOrderOf(orderId, order.accountId, order), order.routing?.brokerOrderId ?? null, order.fillIds);
      this.logger.log({ orderId, brokerOrderId: o.brokerOrderId, routingRecorded: order.routing !== null }, 'order at Kite taken back by its tag');
    }
  }

  /** What the reconciler appended since the last pass ended (actor system:reconciler), by kind. */
  private async count(): Promise<void> {
    const head = await this.events.headPosition();
    const counts = noCounts();
    let after = this.countedUpTo;
    while (after < head) {
      const page = await this.events.readAll({ after, maxCount: PAGE });
      if (page.length === 0) break;
      for (const e of page) {
        if (e.globalPosition > head) break;
        after = e.globalPosition;
        if (e.metadata.actor === RECONCILER_ACTOR) counts[KIND_OF[e.type] ?? 'other'] += 1;
      }
      if (page.length < PAGE) break;
    }
    this.countedUpTo = head;
    this.lastAppended = counts;
    for (const kind of RECONCILED_KINDS) if (counts[kind] > 0) this.reconciled.inc({ broker: 'kite', kind }, counts[kind]);
  }

  private async state(): Promise<BrokerReconciliationState> {
    return (await this.step.load(STREAM, evolveBrokerReconciliation, initialBrokerReconciliationState)).state;
  }
}
