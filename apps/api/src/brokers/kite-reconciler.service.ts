import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import {
  brokerStream,
  decideReconciliation,
  evolveBrokerReconciliation,
  initialBrokerReconciliationState,
  istTradingDay,
  type BrokerEvent,
  type BrokerReconciliationState,
  type IsoInstant,
  type PositionFact,
} from '@robo/domain';
import { EVENT_STORE, type EventStore } from '@robo/event-store';
import type { KiteBroker } from '@robo/broker-kite';
import { APP_CONFIG, AppConfig, CLOCK, type Clock } from '@robo/runtime';
import { appendEvents, derivedId, WriteStep } from '@robo/write-path';
import { MetricsService } from '../projections/metrics.service';
import { KITE_BROKER } from './broker-routing.service';
import { KiteLedger } from './kite-ledger';

export const RECONCILER_ACTOR = 'system:reconciler';
const STREAM = brokerStream('kite');

/** What the operations view shows of the reconciliation with Kite. */
export interface KiteReconciliationView {
  broker: 'kite';
  configured: boolean;
  intervalSeconds: number;
  passes: number;
  lastPassAt: IsoInstant | null;
  lastError: string | null;
  externalOrders: Extract<BrokerEvent, { type: 'ExternalBrokerOrderSeen' }>['data'][];
  openDiscrepancies: { tradingDay: string; instrument: string; brokerQuantity: number; ourQuantity: number; since: IsoInstant }[];
}

/**
 * Reconciles Kite with the log: at start, after every ticker reconnection and every KITE_RECONCILE_SECONDS, a pass
 * catches up every execution missed on the other channels (recorded with the actor system:reconciler), then compares
 * Kite's orders and day positions with the log. What the comparison means is the domain's (decideReconciliation):
 * orders placed outside this system and positions that disagree are recorded on the `broker-kite` stream.
 */
@Injectable()
export class KiteReconcilerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('KiteReconciler');
  private readonly ledger: KiteLedger;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private passes = 0;
  private lastPassAt: IsoInstant | null = null;
  private lastError: string | null = null;
  private readonly passCounter: Counter<'broker' | 'outcome'>;
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
    this.passCounter = new Counter({ name: 'robo_broker_reconcile_passes_total', help: 'Reconciliation passes against the broker, by outcome (ok, failed)', labelNames: ['broker', 'outcome'], registers });
    const lastPass: Gauge<'broker'> = new Gauge({
      name: 'robo_broker_reconcile_last_pass_timestamp_seconds',
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
    fromStream('robo_broker_position_discrepancies_open', 'Day positions that disagree with the broker now (BrokerPositionDiscrepancy not yet cleared)', (s) => s.discrepancies.size);
    fromStream('robo_broker_external_orders', 'Broker orders placed outside this system, recorded (ExternalBrokerOrderSeen)', (s) => s.externalOrderIds.size);
  }

  onApplicationBootstrap(): void {
    const broker = this.broker;
    if (!broker || !this.config.runReactors) return;
    // The adapter catches up after every (re)connection; the comparison follows it.
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

  /**
   * One pass (a pass already running is joined, then one more runs: it sees everything before the call). Throws
   * when Kite cannot be read; nothing is recorded from a pass that failed.
   */
  async reconcile(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
    if (!this.broker || this.stopped) return;
    this.running = this.pass(this.broker).finally(() => (this.running = null));
    await this.running;
  }

  async view(): Promise<KiteReconciliationView> {
    const recorded = await this.events.readStream(STREAM);
    const externalOrders: KiteReconciliationView['externalOrders'] = [];
    let state = initialBrokerReconciliationState;
    for (const e of recorded) {
      const event = { type: e.type, data: e.data } as BrokerEvent;
      if (event.type === 'ExternalBrokerOrderSeen') externalOrders.push(event.data);
      state = evolveBrokerReconciliation(state, event);
    }
    return {
      broker: 'kite',
      configured: this.broker !== null,
      intervalSeconds: this.config.kite?.reconcileSeconds ?? 0,
      passes: this.passes,
      lastPassAt: this.lastPassAt,
      lastError: this.lastError,
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
      const snapshot = await broker.reconcile();
      const at = this.clock.now();
      // Every execution the catch-up reported is in the log now (each report is recorded before the next is read).
      await this.ledger.sync();
      const ours = this.ledger.netOfDay(istTradingDay(at));
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
      this.passes += 1;
      this.lastPassAt = at;
      this.lastError = null;
      this.passCounter.inc({ broker: 'kite', outcome: 'ok' });
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      this.passCounter.inc({ broker: 'kite', outcome: 'failed' });
      throw error;
    }
  }

  private async state(): Promise<BrokerReconciliationState> {
    return (await this.step.load(STREAM, evolveBrokerReconciliation, initialBrokerReconciliationState)).state;
  }
}
