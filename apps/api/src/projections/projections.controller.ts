import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type DeadLetter, ReadModelError } from '@robo/read-models';
import type { DeadLetterList, ProjectionsStatus } from '@robo/contract';
import { Roles } from '../auth/roles.decorator';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { OPERATOR_ROLES, READ_ROLES } from '@robo/credentials';
import { ApiError } from '../common/api-error';
import { patternParam } from '../common/uuid-param';
import { ProjectionOpsService } from './projection-ops.service';
import { DeadLetterQueryDto, RebuildDto } from './projections.dto';

const DEAD_LETTER_ID = /^([a-zA-Z_][a-zA-Z0-9_-]{0,63}):(\d{1,19})$/;
/** Projection names as the runner registers them: `orders`, `daily-closes`, `account-performance`. */
const PROJECTION_NAME = /^[a-zA-Z_][a-zA-Z0-9_-]{0,63}$/;

/** Projection status, dead letters and verified rebuilds. */
@ApiTags('projections')
@ApiBearerAuth()
@Controller('api/projections')
export class ProjectionsController {
  constructor(private readonly ops: ProjectionOpsService) {}

  @Get()
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: 'Per projection: checkpoint, log head, lag (events, seconds), events/s, caught up, parked events, last error (positions and errors for admins and auditors); the reactors\' checkpoints apart' })
  async status(@CurrentPrincipal() principal: Principal): Promise<ProjectionsStatus> {
    const status = await this.ops.status();
    if (OPERATOR_ROLES.includes(principal.role)) return status;
    // The log's head and the checkpoints tell how busy the whole system is (everyone's trading): for operators
    // only. Others see whether each projection is caught up, and how far behind it is in time.
    return {
      head: null,
      projections: status.projections.map((p) => ({ ...p, checkpoint: null, head: null, lagEvents: null, lagBytes: null, eventsPerSecond: null, leaseHolder: null, parked: null, lastError: null })),
      reactors: status.reactors.map((r) => ({ name: r.name, checkpoint: null, head: null, lagEvents: null, lagBytes: null })),
    };
  }

  @Get('dead-letters')
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'Events parked because a projection could not apply them, and those waiting behind them' })
  async deadLetters(@Query() query: DeadLetterQueryDto): Promise<DeadLetterList> {
    if (query.projection !== undefined) this.knownProjection(query.projection);
    const letters = await this.ops.deadLetters(query.projection);
    return { items: letters.map(deadLetterView) };
  }

  @Post('dead-letters/:id/retry')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Re-apply one parked event and those blocked behind it (admins)' })
  async retryOne(@Param('id', patternParam(DEAD_LETTER_ID, 'a dead-letter id is <projection>:<position>')) id: string) {
    const match = DEAD_LETTER_ID.exec(id);
    if (!match) throw new ApiError(400, 'INVALID_ID', 'a dead-letter id is <projection>:<position>');
    this.knownProjection(match[1]!);
    return this.mapped(async () => retryView(await this.ops.runner.retryDeadLetters(match[1]!, { id })));
  }

  @Post(':name/dead-letters/retry')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: "Re-apply all of a projection's parked events, in log order (admins)" })
  async retryAll(@Param('name') name: string) {
    this.knownProjection(name);
    return this.mapped(async () => retryView(await this.ops.runner.retryDeadLetters(name, { all: true })));
  }

  @Post(':name/rebuild')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Rebuild into a shadow copy, compare with the live one, swap if they match or when forced (admins)' })
  async rebuild(@Param('name') name: string, @Body() body: RebuildDto) {
    this.knownProjection(name);
    return this.mapped(async () => {
      const result = await this.ops.runner.verifiedRebuild(name, { force: body.force === true, swap: body.verifyOnly !== true });
      return { ...result, position: Number(result.position), checkpoint: Number(result.position) };
    });
  }

  private knownProjection(name: string): void {
    if (!PROJECTION_NAME.test(name) || !this.ops.runner.has(name)) throw new ApiError(404, 'UNKNOWN_PROJECTION', `no projection named ${name}`);
  }

  private async mapped<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ReadModelError && error.code === 'DEAD_LETTER_NOT_FOUND') throw new ApiError(404, error.code, error.message);
      if (error instanceof ReadModelError && error.code === 'CHECKPOINT_MOVED') throw new ApiError(409, error.code, error.message, error.details);
      throw error;
    }
  }
}

function deadLetterView(letter: DeadLetter) {
  return {
    ...letter,
    position: Number(letter.position),
    globalPosition: Number(letter.position),
    streamRevision: Number(letter.streamRevision),
    streamName: letter.stream,
    type: letter.eventType,
  };
}

function retryView(result: { projection: string; resolved: string[]; stillParked: DeadLetter[] }) {
  return { projection: result.projection, resolved: result.resolved, stillParked: result.stillParked.map(deadLetterView) };
}
