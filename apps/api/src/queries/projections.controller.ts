import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { ALL_PROJECTIONS, READ_MODEL_STORE, ReadModelStore } from '@robo/read-models';
import { SETTLEMENT_CHECKPOINT } from '../orders/settlement-reactor.runner';

/** Where each projection (and the settlement reactor) stands against the log's head. */
@ApiTags('projections')
@Controller('api/projections')
export class ProjectionsController {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_MODEL_STORE) private readonly reads: ReadModelStore,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Checkpoint, lag and caught-up flag per projection' })
  async status() {
    const head = await this.events.headPosition();
    const names = [...ALL_PROJECTIONS.map((p) => p.name), SETTLEMENT_CHECKPOINT];
    const checkpoints = await Promise.all(names.map((name) => this.reads.getCheckpoint(name)));
    return {
      head: Number(head),
      projections: names.map((name, i) => ({
        name,
        checkpoint: Number(checkpoints[i]),
        lagEvents: Number(head - checkpoints[i]),
        // The reactor's checkpoint only moves on the events it handles, so it is not compared with the head.
        caughtUp: name === SETTLEMENT_CHECKPOINT ? null : checkpoints[i] >= head,
      })),
    };
  }
}
