import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decideOrder, initialOrderState, orderStream } from '@robo/domain';
import { riskContext } from '@robo/domain/order/testing/order-fixtures';
import { SqliteEventStore, type EventEnvelope } from '@robo/event-store';
import { ALL_PROJECTIONS, ProjectionRunner, SqliteReadModelStore } from '@robo/read-models';
import { appendScenario, tradingScenario } from '@robo/read-models/testing/trading-scenario';
import { orderTerms, type OrderRequest, type PlacementContext, type PlaceOrderPort } from '../proposals/proposal-book';
import { RecordingAnalystQueries } from './recording-analyst-queries';

/** Friday 20 Nov 2026, 10:00 IST: inside market hours, so approved proposals pass the session checks. */
export const FIXTURE_NOW = '2026-11-20T04:30:00.000Z';

export class TestClock {
  constructor(private current = FIXTURE_NOW) {}
  now(): string {
    return this.current;
  }
  advance(ms: number): void {
    this.current = new Date(Date.parse(this.current) + ms).toISOString();
  }
}

/**
 * Real stores in a temp directory: the trading morning of libs/read-models (account a1: RELIANCE bought 10, sold 4;
 * INFY order cancelled) appended to a SQLite event log and projected by the real runner into a SQLite read store.
 */
export class AnalystFixture {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-analyst-'));
  readonly eventStore = SqliteEventStore.open({ file: path.join(this.dir, 'events.db'), pollIntervalMs: 20 });
  readonly readStore = SqliteReadModelStore.open({ file: path.join(this.dir, 'read-models.db') });
  readonly queries = new RecordingAnalystQueries(this.readStore, this.eventStore);
  readonly placed: { request: OrderRequest; ctx: PlacementContext; orderId: string }[] = [];
  /** Buying power the order path sees (the risk check refuses orders above it). */
  buyingPowerPaise = 100_000_000;

  async seed(): Promise<bigint> {
    const head = await appendScenario(this.eventStore, tradingScenario(), randomUUID);
    const runner = new ProjectionRunner({ eventStore: this.eventStore, readStore: this.readStore, projections: ALL_PROJECTIONS });
    for (const p of ALL_PROJECTIONS) await runner.runOnce(p.name);
    return head;
  }

  /**
   * The order path as a PlaceOrderPort, made of the real order decider and the real event store (the api sends
   * through its CommandBus instead): a risk rejection is recorded on the order and returned as a refusal.
   */
  readonly placeOrder: PlaceOrderPort = async (request, ctx) => {
    const orderId = randomUUID();
    const events = decideOrder(
      {
        type: 'PlaceOrder',
        data: {
          orderId,
          accountId: request.accountId,
          ...orderTerms(request),
          clientOrderId: request.clientOrderId,
        },
        risk: riskContext({ now: '2026-11-20T10:00:00+05:30', positionQuantity: 6, account: { buyingPowerPaise: this.buyingPowerPaise } }),
      },
      initialOrderState,
    );
    await this.eventStore.append(
      orderStream(orderId),
      events.map((e) => ({ type: e.type, data: e.data, metadata: { eventId: randomUUID(), correlationId: ctx.correlationId, causationId: ctx.causationId, actor: ctx.actor, occurredAt: '2026-11-20T10:00:00+05:30', schemaVersion: 1 } })),
      { expectedRevision: 'no_stream' },
    );
    const rejected = events.find((e) => e.type === 'OrderRejected');
    if (rejected !== undefined && rejected.type === 'OrderRejected') return { placed: false, code: rejected.data.reasonCode, message: rejected.data.reason, orderId };
    this.placed.push({ request, ctx, orderId });
    return { placed: true, orderId };
  };

  async streamEvents(stream: string): Promise<EventEnvelope[]> {
    return this.eventStore.readStream(stream);
  }

  async cleanup(): Promise<void> {
    await this.readStore.close();
    await this.eventStore.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
