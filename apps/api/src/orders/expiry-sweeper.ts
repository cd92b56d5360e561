import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CommandBus } from '@nestjs/cqrs';
import { DAY_EXPIRY_REASON, dayOrderExpired, EXPIRES_AT_CLOSE } from '@robo/domain';
import { FindQuery, READ_MODEL_STORE, DocumentReader, ORDERS_COLLECTION } from '@robo/read-models';
import { APP_CONFIG, AppConfig, CLOCK, Clock } from '@robo/runtime';
import { OrderLifecycleMessage } from './order-commands';
import type { LifecycleResult } from './order-lifecycle.handler';
import { type CommandOutcome, derivedId } from '@robo/write-path';

/** Orders read per query of a sweep. */
export const SWEEP_PAGE = 500;

/** One page of the orders the close can expire (the domain's EXPIRES_AT_CLOSE), oldest first. */
export function sweepQuery(cursor: string | null): FindQuery {
  return { where: { status: { in: [...EXPIRES_AT_CLOSE.statuses] }, validity: EXPIRES_AT_CLOSE.validity }, orderBy: { field: 'seq', direction: 'asc' }, limit: SWEEP_PAGE, cursor };
}

/**
 * Expires the working DAY orders whose session is over (the domain's dayOrderExpired). The expiry event id is
 * derived from the order, so two sweeps (or two api replicas) expire an order once.
 */
@Injectable()
export class ExpirySweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ExpirySweeper');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly commandBus: CommandBus,
    @Inject(READ_MODEL_STORE) private readonly reads: DocumentReader,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runReactors) return;
    this.timer = setInterval(() => {
      if (this.running === null) this.running = this.sweep().finally(() => (this.running = null));
    }, this.config.expirySweepMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /**
   * Expires every working DAY order whose session is over; returns how many it expired. The api's event loop serves
   * requests between pages: the sweep reads every working DAY order (most of them, during the session, only to
   * leave them be), and the read store's queries run on the calling thread.
   */
  async sweep(): Promise<number> {
    const now = this.clock.now();
    let expired = 0;
    let cursor: string | null = null;
    try {
      do {
        await nextTurn();
        const page: { items: { orderId: string; placedAt: string }[]; nextCursor: string | null } = await ORDERS_COLLECTION.find(this.reads, sweepQuery(cursor));
        for (const order of page.items) {
          // Same-day orders wait for the close; older ones expire whatever the phase.
          if (!dayOrderExpired(order.placedAt, now)) continue;
          if (await this.expire(order.orderId)) expired++;
        }
        cursor = page.nextCursor;
      } while (cursor !== null);
    } catch (error) {
      this.logger.warn({ err: error }, 'expiry sweep failed; will retry');
    }
    if (expired > 0) this.logger.log({ expired }, 'expired DAY orders after the close');
    return expired;
  }

  /** False when the order was filled or cancelled meanwhile: nothing to expire. */
  private async expire(orderId: string): Promise<boolean> {
    const outcome = await this.commandBus.execute<OrderLifecycleMessage, CommandOutcome<LifecycleResult>>(
      new OrderLifecycleMessage(
        orderId,
        () => ({ type: 'ExpireOrder', data: { orderId, reason: DAY_EXPIRY_REASON } }),
        { correlationId: derivedId('expiry', orderId), causationId: null, actor: 'system:expiry' },
        derivedId('expire', orderId),
      ),
    );
    return outcome.outcome !== 'rejected';
  }
}
