import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { correlationTree, explainFigure, parseFigure, replayStream } from '@robo/audit';
import { accountStream } from '@robo/domain';
import { EVENT_STORE, EventEnvelope, EventStore } from '@robo/event-store';
import { AuditDoc, READ_MODEL_STORE, ReadModelStore } from '@robo/read-models';
import { AccessService } from '../auth/access.service';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ALL_ROLES } from '../auth/roles';
import { ApiError } from '../common/api-error';
import { parsePosition } from '../queries/queries.dto';
import { ReadYourWritesService } from '../queries/read-your-writes.service';
import { CorrelationQuery, LineageQuery, StreamStateQuery } from './audit.dto';

/** A correlation is one request and its reactions: far fewer events than this; the cap keeps an answer bounded. */
const MAX_CORRELATION_EVENTS = 10_000;

/**
 * Time travel and lineage, answered from the log (the read models only index it): the state of a stream at a
 * revision or an instant, the causal tree of a correlation id, and the events behind a read-model figure.
 * Auditors and admins read everything; traders and viewers only their accounts (others look like unknown ids).
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api')
@Roles(...ALL_ROLES)
export class AuditController {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_MODEL_STORE) private readonly reads: ReadModelStore,
    private readonly access: AccessService,
    private readonly consistency: ReadYourWritesService,
  ) {}

  @Get('streams/:stream/state')
  @ApiOperation({ summary: 'The state of one stream rebuilt from its events, up to a revision or as of an instant' })
  async state(@Param('stream') stream: string, @Query() query: StreamStateQuery, @CurrentPrincipal() principal: Principal) {
    if (stream.length === 0 || stream.length > 200) throw new ApiError(400, 'INVALID_STREAM', 'stream name must be 1 to 200 characters');
    if (query.toRevision !== undefined && query.asOf !== undefined) throw new ApiError(400, 'VALIDATION_FAILED', 'give toRevision or asOf, not both');
    if (query.time !== undefined && query.asOf === undefined) throw new ApiError(400, 'VALIDATION_FAILED', 'time applies to asOf only');
    await this.access.stream(principal, stream);
    const [first] = await this.events.readStream(stream, { maxCount: 1 });
    if (!first) throw new ApiError(404, 'STREAM_NOT_FOUND', `stream ${stream} does not exist`);
    const replay = await replayStream(this.events, stream, {
      toRevision: parsePosition(query.toRevision),
      asOf: query.asOf,
      time: query.time ?? 'recorded',
    });
    const last = replay.steps[replay.steps.length - 1];
    return {
      stream,
      kind: replay.kind,
      toRevision: query.toRevision === undefined ? null : Number(query.toRevision),
      asOf: query.asOf ?? null,
      time: query.asOf === undefined ? null : (query.time ?? 'recorded'),
      revision: replay.revision,
      eventCount: replay.steps.length,
      lastGlobalPosition: last ? last.globalPosition : null,
      state: replay.state,
      ...(query.steps === 'true' ? { steps: replay.steps } : {}),
    };
  }

  @Get('audit/correlations/:id')
  @ApiOperation({ summary: 'The causal tree of one correlation id: the command, its events and the reactions they caused' })
  async correlation(@Param('id') correlationId: string, @Query() query: CorrelationQuery, @CurrentPrincipal() principal: Principal) {
    if (correlationId.length === 0 || correlationId.length > 128) throw new ApiError(400, 'INVALID_ID', 'correlation id must be 1 to 128 characters');
    await this.consistency.waitFor(parsePosition(query.minPosition), ['audit']);
    const visible = this.access.visibleAccounts(principal);
    const docs: AuditDoc[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: AuditDoc[]; nextCursor: string | null } = await this.reads.find<AuditDoc>('audit', {
        where: { correlationId },
        orderBy: { field: 'position', direction: 'asc' },
        limit: 1000,
        cursor,
      });
      // An account-scoped caller sees the events of its own accounts only; the rest of the tree is not theirs.
      docs.push(...page.items.filter((d) => visible === null || (d.accountId !== null && visible.includes(d.accountId))));
      cursor = page.nextCursor;
    } while (cursor !== null && docs.length < MAX_CORRELATION_EVENTS);
    if (docs.length === 0) throw new ApiError(404, 'CORRELATION_NOT_FOUND', `no events with correlation id ${correlationId}`);
    const selected = docs.slice(0, MAX_CORRELATION_EVENTS);
    const envelopes = await this.envelopesOf(selected);
    return { ...correlationTree(correlationId, envelopes), truncated: docs.length > MAX_CORRELATION_EVENTS || cursor !== null };
  }

  @Get('lineage')
  @ApiOperation({ summary: 'The events that produced a figure (cash, realized:<instrument>, fees:<instrument>, quantity:<instrument>...)' })
  async lineage(@Query() query: LineageQuery, @CurrentPrincipal() principal: Principal) {
    this.access.account(principal, query.accountId, 'read');
    try {
      parseFigure(query.figure);
    } catch (error) {
      throw new ApiError(400, 'UNKNOWN_FIGURE', (error as Error).message);
    }
    const [opened] = await this.events.readStream(accountStream(query.accountId), { maxCount: 1 });
    if (!opened) throw new ApiError(404, 'ACCOUNT_NOT_FOUND', `account ${query.accountId} does not exist`);
    return explainFigure(this.events, query.accountId, query.figure);
  }

  /** The full envelopes of indexed events: one ranged read per stream, matched by event id. */
  private async envelopesOf(docs: readonly AuditDoc[]): Promise<EventEnvelope[]> {
    const byStream = new Map<string, AuditDoc[]>();
    for (const doc of docs) byStream.set(doc.streamName, [...(byStream.get(doc.streamName) ?? []), doc]);
    const found: EventEnvelope[] = [];
    for (const [stream, group] of byStream) {
      const revisions = group.map((d) => d.streamRevision);
      const from = Math.min(...revisions);
      const wanted = new Set(group.map((d) => d.eventId));
      const events = await this.events.readStream(stream, { fromRevision: BigInt(from), maxCount: Math.max(...revisions) - from + 1 });
      found.push(...events.filter((e) => wanted.has(e.metadata.eventId)));
    }
    return found;
  }
}
