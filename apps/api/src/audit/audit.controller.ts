import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { correlationTree, Slicer, streamState } from '@robo/audit';
import { EVENT_STORE, EventEnvelope, EventStore } from '@robo/event-store';
import { AuditDoc, READ_MODEL_STORE, DocumentReader, AUDIT_COLLECTION } from '@robo/read-models';
import type { CorrelationTree, Lineage, StreamState } from '@robo/contract';
import { AccessService } from '../auth/access.service';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { READ_ROLES, isCredentialStream } from '@robo/credentials';
import { ApiError } from '../common/api-error';
import { parsePosition } from '../queries/queries.dto';
import { ReadYourWritesService } from '../queries/read-your-writes.service';
import { MAX_RESPONSE_BYTES, MAX_STEPS_BYTES } from '../common/limits';
import { CorrelationQuery, DEFAULT_STEPS, LineageQuery, MAX_STEPS, StreamStateQuery } from './audit.dto';
import { figureLineage } from './figure-lineage';

/** A correlation is one request and its reactions: far fewer events than this; the cap keeps an answer bounded. */
const MAX_CORRELATION_EVENTS = 2_000;
/** Revisions of one stream closer than this are read in one range; farther apart, each run is read on its own. */
const RUN_GAP = 64;

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
  async correlation(@Param('id') correlationId: string, @Query() query: CorrelationQuery, @CurrentPrincipal() principal: Principal): Promise<CorrelationTree> {
    // 128 for an id the server made or the client chose, plus the `key:<kid>:` namespace of a chosen one.
    if (correlationId.length === 0 || correlationId.length > 200) throw new ApiError(400, 'INVALID_ID', 'correlation id must be 1 to 200 characters');
    await this.consistency.waitFor(parsePosition(query.minPosition), ['audit']);
    const visible = this.access.visibleAccounts(principal);
    const docs: AuditDoc[] = [];
    const slicer = new Slicer();
    let cursor: string | null = null;
    do {
      const page: { items: AuditDoc[]; nextCursor: string | null } = await AUDIT_COLLECTION.find(this.reads, {
        where: { correlationId },
        orderBy: { field: 'position', direction: 'asc' },
        limit: 1000,
        cursor,
      });
      // An account-scoped caller sees the events of its own accounts only (never a key's credential events, which
      // name an account too); the rest of the tree is not theirs.
      docs.push(...page.items.filter((d) => visible === null || (d.accountId !== null && visible.includes(d.accountId) && !isCredentialStream(d.streamName))));
      cursor = page.nextCursor;
      if (docs.length > MAX_CORRELATION_EVENTS) {
        throw new ApiError(422, 'RESPONSE_TOO_LARGE', `correlation ${correlationId} has more than ${MAX_CORRELATION_EVENTS} events: too many for one tree`, {
          maxEvents: MAX_CORRELATION_EVENTS,
          hint: `page through its events with GET /api/audit?correlationId=${encodeURIComponent(correlationId)}&limit=200 and the nextCursor of each page`,
        });
      }
      await slicer.pause();
    } while (cursor !== null);
    if (docs.length === 0) throw new ApiError(404, 'CORRELATION_NOT_FOUND', `no events with correlation id ${correlationId}`);
    const envelopes = await this.envelopesOf(docs, slicer);
    return correlationTree(correlationId, envelopes);
  }

  @Get('lineage')
  @ApiOperation({ summary: 'The events that produced a figure (cash, realized:<instrument>, fees:<instrument>, quantity:<instrument>...)' })
  async lineage(@Query() query: LineageQuery, @CurrentPrincipal() principal: Principal): Promise<Lineage> {
    this.access.account(principal, query.accountId, 'read');
    return figureLineage(this.events, query.accountId, query);
  }

  /**
   * The full envelopes of indexed events, matched by event id: per stream, one ranged read per run of nearby
   * revisions (never the whole span between a stream's first and last event of the correlation), in slices.
   */
  private async envelopesOf(docs: readonly AuditDoc[], slicer: Slicer): Promise<EventEnvelope[]> {
    const byStream = new Map<string, AuditDoc[]>();
    for (const doc of docs) {
      const group = byStream.get(doc.streamName);
      if (group) group.push(doc);
      else byStream.set(doc.streamName, [doc]);
    }
    const found: EventEnvelope[] = [];
    for (const [stream, group] of byStream) {
      const wanted = new Set(group.map((d) => d.eventId));
      const revisions = [...new Set(group.map((d) => d.streamRevision))].sort((a, b) => a - b);
      for (let i = 0; i < revisions.length; ) {
        let j = i;
        while (j + 1 < revisions.length && revisions[j + 1] - revisions[j] <= RUN_GAP) j++;
        const events = await this.events.readStream(stream, { fromRevision: BigInt(revisions[i]), maxCount: revisions[j] - revisions[i] + 1 });
        for (const event of events) if (wanted.has(event.metadata.eventId)) found.push(event);
        i = j + 1;
        await slicer.pause();
      }
    }
    return found;
  }
}
