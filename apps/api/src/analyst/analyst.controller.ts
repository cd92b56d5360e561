import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { ANALYST, Analyst, AnalystConfig, ProposalBook, ProposalView, validateAskRequest } from '@robo/analyst';
import { proposalStream } from '@robo/domain';
import { FieldCondition, READ_MODEL_STORE, DocumentReader, AUDIT_COLLECTION } from '@robo/read-models';
import { AccessService } from '../auth/access.service';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { READ_ROLES, COMMAND_ROLES, isAccountScoped } from '@robo/credentials';
import { ApiError } from '../common/api-error';
import { Ctx } from '../common/command-context.decorator';
import { uuidParam } from '../common/uuid-param';
import { parseLimit, parsePosition } from '../queries/queries.dto';
import { ReadYourWritesService } from '../queries/read-your-writes.service';
import type { CommandContext } from '@robo/write-path';
import { IdempotencyExempt } from '../common/idempotency.interceptor';
import { AnalystAskers } from './analyst-askers';
import { AskQuestionDto, ProposalsQuery, RejectProposalDto } from './analyst.dto';
import { ANALYST_CONFIG, PROPOSAL_BOOK } from './analyst.tokens';

const PROPOSAL_PREFIX = 'proposal-';

/**
 * The AI analyst. Questions: every role, on the accounts it may read (traders and viewers must name one).
 * Proposals: listed to whoever may read the account, decided by its trader or an admin. Everything but the
 * status answers 503 ANALYST_DISABLED while ANTHROPIC_API_KEY is unset.
 */
@ApiTags('analyst')
@ApiBearerAuth()
@Controller('api/analyst')
export class AnalystController {
  constructor(
    @Inject(ANALYST) private readonly analyst: Analyst,
    @Inject(ANALYST_CONFIG) private readonly config: AnalystConfig,
    @Inject(PROPOSAL_BOOK) private readonly proposals: ProposalBook,
    @Inject(READ_MODEL_STORE) private readonly reads: DocumentReader,
    private readonly access: AccessService,
    private readonly askers: AnalystAskers,
    private readonly consistency: ReadYourWritesService,
  ) {}

  @Get('status')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: 'Whether the analyst is enabled, its model, prompt and tools versions, limits, and how to enable it' })
  status() {
    return this.analyst.status();
  }

  @Post('questions')
  @Roles(...READ_ROLES)
  // The answer streams and is the model's, not a command's: there is nothing to replay.
  @IdempotencyExempt()
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'Ask a question; the answer streams as server-sent events (started, text, tool_call, tool_result, proposal, answer | error)' })
  async ask(@Body() body: AskQuestionDto, @Ctx() ctx: CommandContext, @CurrentPrincipal() principal: Principal, @Res() res: Response): Promise<void> {
    this.analyst.assertEnabled();
    const question = validateAskRequest(body, this.config.limits);
    if (question.accountId !== null) this.access.account(principal, question.accountId, 'read');
    else if (isAccountScoped(principal.role)) {
      // Without an account the tools could roam the whole book; a scoped key asks about one of its accounts.
      throw new ApiError(400, 'ACCOUNT_REQUIRED', `a ${principal.role} key must name the account the question is about (accountId)`);
    }
    const askId = randomUUID();
    this.askers.register(askId, principal);
    const abort = new AbortController();
    // The response closes early only when the client went away; that stops the question (and is recorded).
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, no-transform');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    try {
      const who = { actor: principal.actor, correlationId: ctx.correlationId, causationId: ctx.causationId };
      for await (const event of this.analyst.stream(question, who, { signal: abort.signal, askId })) {
        if (res.destroyed) continue;
        res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      }
    } finally {
      this.askers.release(askId);
      if (!res.destroyed) res.end();
    }
  }

  @Get('proposals')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: 'Order proposals of the analyst, newest first, on the accounts the caller may read' })
  async list(@Query() query: ProposalsQuery, @CurrentPrincipal() principal: Principal) {
    this.analyst.assertEnabled();
    const where: Record<string, FieldCondition> = { type: 'OrderProposed' };
    if (query.accountId) {
      this.access.account(principal, query.accountId, 'read');
      where.accountId = query.accountId;
    } else {
      const visible = this.access.visibleAccounts(principal);
      if (visible !== null && visible.length === 0) return { items: [], nextCursor: null };
      if (visible !== null) where.accountId = { in: visible };
    }
    await this.consistency.waitFor(parsePosition(query.minPosition), ['audit']);
    const page = await AUDIT_COLLECTION.find(this.reads, {
      where,
      orderBy: { field: 'position', direction: 'desc' },
      limit: parseLimit(query.limit),
      cursor: query.cursor ?? null,
    });
    const items: ProposalView[] = [];
    for (const doc of page.items) {
      const proposal = await this.proposals.get(doc.streamName.slice(PROPOSAL_PREFIX.length));
      if (proposal !== null && (query.status === undefined || proposal.status === query.status)) items.push(proposal);
    }
    return { items, nextCursor: page.nextCursor };
  }

  @Get('proposals/:id')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: 'One proposal with its status and the order request it would place' })
  async one(@Param('id', uuidParam()) proposalId: string, @CurrentPrincipal() principal: Principal) {
    this.analyst.assertEnabled();
    return this.visible(proposalId, principal);
  }

  @Post('proposals/:id/approve')
  @HttpCode(200)
  @Roles(...COMMAND_ROLES)
  @ApiOperation({ summary: 'Approve a proposal: places its order through the normal command path (422 with the reason when the order is refused)' })
  async approve(@Param('id', uuidParam()) proposalId: string, @Ctx() ctx: CommandContext, @CurrentPrincipal() principal: Principal) {
    this.analyst.assertEnabled();
    const proposal = await this.visible(proposalId, principal);
    this.access.account(principal, proposal.accountId, 'trade');
    const result = await this.proposals.approveProposal(proposalId, { actor: principal.actor, correlationId: ctx.correlationId, causationId: ctx.causationId });
    return { proposalId, orderId: result.orderId, status: result.proposal.status, proposal: result.proposal };
  }

  @Post('proposals/:id/reject')
  @HttpCode(200)
  @Roles(...COMMAND_ROLES)
  @ApiOperation({ summary: 'Reject a proposal, with a reason' })
  async reject(@Param('id', uuidParam()) proposalId: string, @Body() body: RejectProposalDto, @Ctx() ctx: CommandContext, @CurrentPrincipal() principal: Principal) {
    this.analyst.assertEnabled();
    const proposal = await this.visible(proposalId, principal);
    this.access.account(principal, proposal.accountId, 'trade');
    const rejected = await this.proposals.rejectProposal(proposalId, { actor: principal.actor, correlationId: ctx.correlationId, causationId: ctx.causationId }, body.reason);
    return { proposalId, status: rejected.status, proposal: rejected };
  }

  /** A proposal on an account the caller may not read answers like one that does not exist. */
  private async visible(proposalId: string, principal: Principal): Promise<ProposalView> {
    const proposal = await this.proposals.get(proposalId);
    const notFound = new ApiError(404, 'PROPOSAL_NOT_FOUND', `proposal ${proposalId} does not exist`, { stream: proposalStream(proposalId) });
    if (proposal === null) throw notFound;
    if (isAccountScoped(principal.role) && !principal.accountIds.has(proposal.accountId)) throw notFound;
    return proposal;
  }
}
