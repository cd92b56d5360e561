import { Inject, Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { ALL_PROJECTIONS, ProjectionRunner, READ_MODEL_STORE, ReadModelStore } from '@robo/read-models';
import { holderIsGone, leaseOwner } from '@robo/runtime';

/** Runs every projection from its own checkpoint; stops after committing the batch in hand. */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Projector');
  readonly runner: ProjectionRunner;

  constructor(@Inject(EVENT_STORE) events: EventStore, @Inject(READ_MODEL_STORE) reads: ReadModelStore) {
    const owner = leaseOwner();
    this.runner = new ProjectionRunner({
      eventStore: events,
      readStore: reads,
      projections: ALL_PROJECTIONS,
      // Of several processes over the same stores (api replicas with the embedded projector, a standalone projector),
      // one projects and the others stand by.
      lease: { owner, holderIsGone: (holder) => holderIsGone(holder, owner) },
      logger: {
        info: (msg: string, meta?: Record<string, unknown>) => this.logger.log({ ...meta, msg }),
        warn: (msg: string, meta?: Record<string, unknown>) => this.logger.warn({ ...meta, msg }),
        error: (msg: string, meta?: Record<string, unknown>) => this.logger.error({ ...meta, msg }),
      },
    });
  }

  onApplicationBootstrap(): void {
    this.runner.start();
    this.logger.log(`projections running: ${ALL_PROJECTIONS.map((p) => p.name).join(', ')}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
    this.logger.log('projections stopped, checkpoints committed');
  }
}
