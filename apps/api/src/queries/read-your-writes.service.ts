import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { READ_MODEL_STORE, CheckpointReader } from '@robo/read-models';
import { ApiError } from '../common/api-error';
import { APP_CONFIG, AppConfig, WALL_CLOCK, type WallClock } from '@robo/runtime';

/**
 * A command returns the global position of its last event; a query that passes it back as minPosition waits
 * (bounded) until the read models it reads from have passed that position. Works across processes because it
 * reads the checkpoints from the read store.
 */
@Injectable()
export class ReadYourWritesService {
  constructor(
    @Inject(READ_MODEL_STORE) private readonly reads: CheckpointReader,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WALL_CLOCK) private readonly wall: WallClock,
  ) {}

  async waitFor(minPosition: bigint | undefined, projections: readonly string[]): Promise<void> {
    if (minPosition === undefined || minPosition === 0n) return;
    const head = await this.events.headPosition();
    if (minPosition > head) {
      throw new ApiError(400, 'MIN_POSITION_AHEAD', `minPosition ${minPosition} is beyond the log's head (${head})`, { head: Number(head) });
    }
    const deadline = this.wall.monotonicMs() + this.config.queryWaitTimeoutMs;
    for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
      const checkpoints = await Promise.all(projections.map((p) => this.reads.getCheckpoint(p)));
      if (checkpoints.every((c) => c >= minPosition)) return;
      if (this.wall.monotonicMs() >= deadline) {
        throw new ApiError(503, 'READ_MODEL_LAGGING', `read models have not reached position ${minPosition} yet; retry shortly`, {
          checkpoints: Object.fromEntries(projections.map((p, i) => [p, Number(checkpoints[i])])),
        });
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
