import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { EVENT_STORE, EventStore, REACTOR_CHECKPOINTS, type ReactorCheckpointStore } from '@robo/event-store';
import { ALL_PROJECTIONS, type DeadLetter, ProjectionRunner, type ProjectionStatus, READ_MODEL_STORE, RunnerStore } from '@robo/read-models';
import { ProjectorService } from '@robo/projector';
import { SETTLEMENT_CHECKPOINT } from '../orders/settlement-reactor.runner';

/** One line of GET /api/projections (numbers, not bigints: positions stay far below 2^53). */
export interface ProjectionStatusView {
  name: string;
  checkpoint: number | null;
  head: number | null;
  /** Head minus checkpoint where positions count events (SQLite); null where they are byte offsets (EventStoreDB). */
  lagEvents: number | null;
  /** Head minus checkpoint where positions are byte offsets (EventStoreDB); null elsewhere. */
  lagBytes: number | null;
  lagSeconds: number | null;
  caughtUp: boolean | null;
  /** Null when the projector runs in another process (this one has no rate to report). */
  eventsPerSecond: number | null;
  running: boolean | null;
  /** True while the embedded projector waits because another instance holds the projector lease; null if not embedded. */
  standby: boolean | null;
  /** The projector lease holder as the embedded projector last saw it (`host/pid/random`); null if not embedded. */
  leaseHolder: string | null;
  parked: number | null;
  lastError: { code: string | null; message: string; at: string; attempts: number } | { message: string; at: string } | null;
  /** Where the runner figures come from: this process, or only the stores (projector elsewhere). */
  source: 'embedded' | 'stores';
}

/** One reactor's checkpoint: how far it has handled the log (its lag counts events it will skip too). */
export interface ReactorStatusView {
  name: string;
  checkpoint: number | null;
  head: number | null;
  lagEvents: number | null;
  lagBytes: number | null;
}

/**
 * The projections as operations see them: the embedded projector's runner when it runs in this process, else a
 * runner of its own that is never started (it rebuilds into shadows and retries dead letters on request; the
 * store's checkpoint checks keep it from fighting the other process's loop).
 */
@Injectable()
export class ProjectionOpsService implements OnModuleInit {
  private runnerInUse: ProjectionRunner | null = null;
  private embedded = false;

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_MODEL_STORE) private readonly reads: RunnerStore,
    @Inject(REACTOR_CHECKPOINTS) private readonly reactorCheckpoints: ReactorCheckpointStore,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    let projector: ProjectorService | null = null;
    try {
      projector = this.moduleRef.get(ProjectorService, { strict: false });
    } catch {
      projector = null;
    }
    this.embedded = projector !== null;
    this.runnerInUse = projector?.runner ?? new ProjectionRunner({ eventStore: this.events, readStore: this.reads, projections: ALL_PROJECTIONS });
  }

  get runner(): ProjectionRunner {
    if (!this.runnerInUse) throw new Error('ProjectionOpsService used before module init');
    return this.runnerInUse;
  }

  /** Read from the store, so it shows what a projector in another process parked too. */
  deadLetters(projection?: string): Promise<DeadLetter[]> {
    return this.reads.listDeadLetters(projection === undefined ? {} : { projection });
  }

  /**
   * The projections, and apart from them the reactors' checkpoints (the settlement reactor's): a reactor cannot be
   * rebuilt, and its checkpoint moves only on the events it handles, so it is no projection to compare with the head.
   */
  async status(): Promise<{ head: number | null; projections: ProjectionStatusView[]; reactors: ReactorStatusView[] }> {
    const statuses = await this.runner.status();
    const head = statuses[0]?.head ?? (await this.events.headPosition().catch(() => null));
    const reactor = await this.reactorCheckpoints.load(SETTLEMENT_CHECKPOINT).then((saved) => saved ?? 0n, () => null);
    const lag = head === null || reactor === null ? null : Number(head > reactor ? head - reactor : 0n);
    return {
      head: head === null ? null : Number(head),
      projections: statuses.map((s) => this.view(s)),
      reactors: [
        {
          name: SETTLEMENT_CHECKPOINT,
          checkpoint: reactor === null ? null : Number(reactor),
          head: head === null ? null : Number(head),
          lagEvents: this.events.positionUnit === 'bytes' ? null : lag,
          lagBytes: this.events.positionUnit === 'bytes' ? lag : null,
        },
      ],
    };
  }

  private view(s: ProjectionStatus): ProjectionStatusView {
    return {
      name: s.name,
      checkpoint: s.checkpoint === null ? null : Number(s.checkpoint),
      head: s.head === null ? null : Number(s.head),
      lagEvents: s.lagEvents === null ? null : Number(s.lagEvents),
      lagBytes: s.lagBytes === null ? null : Number(s.lagBytes),
      lagSeconds: s.lagSeconds,
      caughtUp: s.caughtUp,
      eventsPerSecond: this.embedded ? s.eventsPerSecond : null,
      running: this.embedded ? s.running : null,
      standby: this.embedded ? s.standby : null,
      leaseHolder: this.embedded ? s.leaseHolder : null,
      parked: s.parked,
      lastError: s.lastError ?? s.lastParkedError,
      source: this.embedded ? 'embedded' : 'stores',
    };
  }
}
