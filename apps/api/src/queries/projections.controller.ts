import { Controller, Get, HttpCode, Inject, Optional, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { ALL_PROJECTIONS, READ_MODEL_STORE, ReadModelStore } from '@robo/read-models';
import { ProjectorService } from '../../../projector/src/projector.service';
import { Roles } from '../auth/roles.decorator';
import { ALL_ROLES } from '../auth/roles';
import { ApiError } from '../common/api-error';
import { SETTLEMENT_CHECKPOINT } from '../orders/settlement-reactor.runner';

/** Where each projection (and the settlement reactor) stands against the log's head. */
@ApiTags('projections')
@ApiBearerAuth()
@Controller('api/projections')
export class ProjectionsController {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_MODEL_STORE) private readonly reads: ReadModelStore,
    @Optional() private readonly projector?: ProjectorService,
  ) {}

  @Get()
  @Roles(...ALL_ROLES)
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

  @Post(':name/rebuild')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Drop a projection and project the whole log again (admins; embedded projector only)' })
  async rebuild(@Param('name') name: string) {
    if (!this.projector) throw new ApiError(409, 'PROJECTOR_NOT_EMBEDDED', 'the projector runs in another process here; rebuild it there');
    if (!ALL_PROJECTIONS.some((p) => p.name === name)) throw new ApiError(404, 'UNKNOWN_PROJECTION', `no projection named ${name}`);
    const { events, checkpoint } = await this.projector.runner.rebuild(name);
    return { projection: name, events, checkpoint: Number(checkpoint) };
  }
}
