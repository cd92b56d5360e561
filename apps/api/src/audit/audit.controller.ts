import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { streamState } from '@robo/audit';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import { READ_MODEL_STORE, DocumentReader } from '@robo/read-models';
import type { CorrelationTree, Lineage, StreamState } from '@robo/contract';
import { AccessService } from '../auth/access.service';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { READ_ROLES, isCredentialStream } from '@robo/credentials';
import { ApiError } from '../common/api-error';
import { lengthParam } from '../common/uuid-param';
import { parsePosition } from '../queries/queries.dto';
import { ReadYourWritesService } from '../queries/read-your-writes.service';
import { MAX_RESPONSE_BYTES, MAX_STEPS_BYTES } from '../common/limits';
import { checkCorrelationId, correlationTreeOf } from './correlation-tree';
import { CorrelationQuery, DEFAULT_STEPS, LineageQuery, MAX_STEPS, StreamStateQuery } from './audit.dto';
import { figureLineage } from './figure-lineage';

/**
 * Time travel and lineage, answered from the log (the read models only index it): the state of a stream at a
 * revision or an instant, the causal tree of a correlation id, and the events behind a read-model figure.
 * Auditors and admins read everything; traders and viewers only their accounts (others look like unknown ids).
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api')
@Roles(...READ_ROLES)
export class AuditController {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_MODEL_STORE) private readonly reads: DocumentReader,
    private readonly access: AccessService,
    private readonly consistency: ReadYourWritesService,
  ) {}

  @Get('streams/:stream/state')
  @ApiOperation({ summary: 'The state of one stream rebuilt from its events, up to a revision or as of an instant' })
  async state(@Param('stream') stream: string, @Query() query: StreamStateQuery, @CurrentPrincipal() principal: Principal): Promise<StreamState> {
    if (stream.length === 0 || stream.length > 200) throw new ApiError(400, 'INVALID_STREAM', 'stream name must be 1 to 200 characters');
    if (query.toRevision !== undefined && query.asOf !== undefined) throw new ApiError(400, 'VALIDATION_FAILED', 'give toRevision or asOf, not both');
    if (query.time !== undefined && query.asOf === undefined) throw new ApiError(400, 'VALIDATION_FAILED', 'time applies to asOf only');
    const withSteps = query.steps === 'true';
    if (!withSteps && (query.fromRevision !== undefined || query.limit !== undefined)) throw new ApiError(400, 'VALIDATION_FAILED', 'fromRevision and limit page the steps: give steps=true');
    const limit = query.limit === undefined ? DEFAULT_STEPS : Number(query.limit);
    if (limit > MAX_STEPS) throw new ApiError(400, 'VALIDATION_FAILED', `limit must be between 1 and ${MAX_STEPS}`);
    await this.access.stream(principal, stream);
    const [first] = await this.events.readStream(stream, { maxCount: 1 });
    if (!first) throw new ApiError(404, 'STREAM_NOT_FOUND', `stream ${stream} does not exist`);
    const replay = await streamState(
      this.events,
      stream,
      { toRevision: parsePosition(query.toRevision), asOf: query.asOf, time: query.time ?? 'recorded' },
      MAX_RESPONSE_BYTES,
      withSteps ? { fromRevision: parsePosition(query.fromRevision) ?? 0n, limit, maxBytes: MAX_STEPS_BYTES } : undefined,
    );
    return {
      stream,
      kind: replay.kind,
      toRevision: query.toRevision === undefined ? null : Number(query.toRevision),
      asOf: query.asOf ?? null,
      time: query.asOf === undefined ? null : (query.time ?? 'recorded'),
      revision: replay.revision,
      eventCount: replay.eventCount,
      lastGlobalPosition: replay.lastGlobalPosition,
      state: replay.state,
      ...(withSteps ? { steps: replay.steps, nextFromRevision: replay.nextFromRevision } : {}),
    };
  }

  @Get('audit/correlations/:id')
  @ApiOperation({ summary: 'The causal tree of one correlation id: the command, its events and the reactions they caused' })
  async correlation(@Param('id', lengthParam(200, 'correlation id must be 1 to 200 characters')) correlationId: string, @Query() query: CorrelationQuery, @CurrentPrincipal() principal: Principal): Promise<CorrelationTree> {
    checkCorrelationId(correlationId);
    await this.consistency.waitFor(parsePosition(query.minPosition), ['audit']);
    const visible = this.access.visibleAccounts(principal);
    // An account-scoped caller sees the events of its own accounts only (never a key's credential events, which
    // name an account too); the rest of the tree is not theirs.
    return correlationTreeOf(this.reads, this.events, correlationId, (d) => visible === null || (d.accountId !== null && visible.includes(d.accountId) && !isCredentialStream(d.streamName)));
  }

  @Get('lineage')
  @ApiOperation({ summary: 'The events that produced a figure (cash, realized:<instrument>, fees:<instrument>, quantity:<instrument>...)' })
  async lineage(@Query() query: LineageQuery, @CurrentPrincipal() principal: Principal): Promise<Lineage> {
    this.access.account(principal, query.accountId, 'read');
    return figureLineage(this.events, query.accountId, query);
  }
}
