import { Inject, Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { ALL_PROJECTIONS, ProjectionRunner, READ_MODEL_STORE, RunnerStore } from '@robo/read-models';
import { APP_CONFIG, AppConfig, holderIsGone, leaseOwner, rebuildInWorkers, stepInWorkers } from '@robo/runtime';

/** Below this, paging through the log from the start takes a few seconds anyway. */
export const INITIAL_LOAD_MIN_EVENTS = 50_000;

/** Runs every projection from its own checkpoint; stops after committing the batch in hand. */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Projector');
  readonly runner: ProjectionRunner;

  constructor(@Inject(EVENT_STORE) events: EventStore, @Inject(READ_MODEL_STORE) reads: RunnerStore, @Inject(APP_CONFIG) config: AppConfig) {
    const owner = leaseOwner();
    this.runner = new ProjectionRunner({
      eventStore: events,
      readStore: reads,
      projections: ALL_PROJECTIONS,
      // Of several processes over the same stores (api replicas with the embedded projector, a standalone projector),
      // one projects and the others stand by.
      lease: { owner, holderIsGone: (holder) => holderIsGone(holder, owner) },
      // On an empty read store over a large log (an import, a new read store): load it as `robo projections
      // rebuild-all` does, the audit trail in a worker thread, before going on page by page.
      initialLoad: { minEvents: INITIAL_LOAD_MIN_EVENTS, workers: config.projectorWorkerThreads ? rebuildInWorkers(config) : undefined },
      // The audit trail (about half of the projection work, in a store file of its own) is projected in a worker
      // thread beside the others: off this process's event loop, and on another core. PROJECTOR_WORKER_THREADS=false
      // keeps it in this thread (a small machine where api and projector processes share two cores).
      workerSteps: config.projectorWorkerThreads ? stepInWorkers(config) : undefined,
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
