import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { commandResponse } from '../common/outcome-response';
import { type CommandOutcome, type CommandContext, derivedId, newId } from '@robo/write-path';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { evolveStrategy, initialStrategyState, strategyStream, type JsonObject, type StrategyCommand, type StrategyEvent } from '@robo/domain';
import { findOverAccounts, READ_MODEL_STORE, DocumentReader, STRATEGIES_COLLECTION, type StrategyDoc } from '@robo/read-models';
import { Inject } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@robo/event-store';
import type { StrategyList } from '@robo/contract';
import { AccessService } from '../auth/access.service';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ApiError } from '../common/api-error';
import { Ctx } from '../common/command-context.decorator';
import { uuidParam } from '../common/uuid-param';
import { parsePosition } from '../queries/queries.dto';
import { ReadYourWritesService } from '../queries/read-your-writes.service';
import { strategySummary } from './strategy-summary';
import { ExecuteStrategyCommand, StrategyCommandResult } from './strategy-command';
import { ListStrategiesDto, ParametersDto, ReasonDto, RegisterStrategyDto } from './strategies.dto';

/** The list reads the strategies and, for its figures, what their performance is computed from. */
const LIST_PROJECTIONS = ['strategies', 'strategy-performance', 'daily-closes'];

type Lifecycle = 'ActivateStrategy' | 'PauseStrategy' | 'StopStrategy' | 'HaltStrategy' | 'ResumeStrategy';

@ApiTags('strategies')
@ApiBearerAuth()
@Controller('api/strategies')
export class StrategiesController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly access: AccessService,
    @Inject(READ_MODEL_STORE) private readonly reads: DocumentReader,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly consistency: ReadYourWritesService,
  ) {}

  @Post()
  @Roles('trader', 'admin')
  @ApiOperation({ summary: 'Register a strategy on an account (status REGISTERED; activate it to run)' })
  register(@Body() body: RegisterStrategyDto, @Ctx() ctx: CommandContext, @CurrentPrincipal() principal: Principal): Promise<StrategyCommandResult> {
    this.access.account(principal, body.accountId, 'trade');
    const strategyId = ctx.idempotencyKey ? derivedId('register-strategy', principal.kid, ctx.idempotencyKey) : newId();
    const command: StrategyCommand = {
      type: 'RegisterStrategy',
      data: {
        strategyId,
        accountId: body.accountId,
        kind: body.kind,
        name: body.name,
        parameters: body.parameters as JsonObject,
        instruments: body.instruments,
        capitalAllocationPaise: body.capitalAllocationPaise,
        now: '',
      },
    };
    return this.run(command, ctx);
  }

  @Post(':id/activate')
  @HttpCode(200)
  @Roles('trader', 'admin')
  @ApiOperation({ summary: 'Start running the strategy' })
  activate(@Param('id', uuidParam()) id: string, @Ctx() ctx: CommandContext, @CurrentPrincipal() p: Principal) {
    return this.lifecycle(id, 'ActivateStrategy', undefined, ctx, p);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @Roles('trader', 'admin')
  @ApiOperation({ summary: 'Stop placing new orders for now (working orders stay)' })
  pause(@Param('id', uuidParam()) id: string, @Body() body: ReasonDto, @Ctx() ctx: CommandContext, @CurrentPrincipal() p: Principal) {
    return this.lifecycle(id, 'PauseStrategy', body.reason, ctx, p);
  }

  @Post(':id/stop')
  @HttpCode(200)
  @Roles('trader', 'admin')
  @ApiOperation({ summary: 'Stop for good (final)' })
  stop(@Param('id', uuidParam()) id: string, @Body() body: ReasonDto, @Ctx() ctx: CommandContext, @CurrentPrincipal() p: Principal) {
    return this.lifecycle(id, 'StopStrategy', body.reason ?? 'stopped by user', ctx, p);
  }

  @Post(':id/halt')
  @HttpCode(200)
  @Roles('trader', 'admin')
  @ApiOperation({ summary: 'Per-strategy kill switch: no new order at once, whatever the status' })
  halt(@Param('id', uuidParam()) id: string, @Body() body: ReasonDto, @Ctx() ctx: CommandContext, @CurrentPrincipal() p: Principal) {
    return this.lifecycle(id, 'HaltStrategy', body.reason ?? 'halted by user', ctx, p);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Roles('trader', 'admin')
  @ApiOperation({ summary: 'Lift the kill switch' })
  resume(@Param('id', uuidParam()) id: string, @Ctx() ctx: CommandContext, @CurrentPrincipal() p: Principal) {
    return this.lifecycle(id, 'ResumeStrategy', undefined, ctx, p);
  }

  @Put(':id/parameters')
  @HttpCode(200)
  @Roles('trader', 'admin')
  @ApiOperation({ summary: 'Replace the parameters (checked against the kind)' })
  async parameters(@Param('id', uuidParam()) id: string, @Body() body: ParametersDto, @Ctx() ctx: CommandContext, @CurrentPrincipal() p: Principal) {
    await this.owned(id, p, 'trade');
    return this.run({ type: 'ChangeParameters', data: { strategyId: id, parameters: body.parameters as JsonObject, now: '' } }, ctx);
  }

  @Get()
  @Roles('trader', 'viewer', 'auditor', 'admin')
  @ApiOperation({ summary: "Strategies, limited to the caller's accounts, each with its summary statistics (net P&L, trades, win rate, max drawdown, Sharpe, notes)" })
  async list(@Query() query: ListStrategiesDto, @CurrentPrincipal() principal: Principal): Promise<StrategyList> {
    const visible = this.access.visibleAccounts(principal);
    const where: Record<string, string> = {};
    if (query.accountId !== undefined) {
      if (visible !== null && !visible.includes(query.accountId)) return { items: [] };
      where.accountId = query.accountId;
    }
    await this.consistency.waitFor(parsePosition(query.minPosition), LIST_PROJECTIONS);
    if (query.status !== undefined) where.status = query.status;
    const page: { items: StrategyDoc[] } =
      query.accountId === undefined && visible !== null
        ? await findOverAccounts(this.reads, STRATEGIES_COLLECTION, visible, { where, orderBy: { field: 'registeredAt', direction: 'asc' }, limit: 200, cursor: null })
        : await STRATEGIES_COLLECTION.find(this.reads, { where, orderBy: { field: 'registeredAt', direction: 'asc' }, limit: 200 });
    const items: StrategyList['items'] = [];
    for (const doc of page.items) items.push({ ...doc, statistics: await strategySummary(this.reads, doc.strategyId) });
    return { items };
  }

  @Get(':id')
  @Roles('trader', 'viewer', 'auditor', 'admin')
  @ApiOperation({ summary: 'One strategy' })
  get(@Param('id', uuidParam()) id: string, @CurrentPrincipal() principal: Principal): Promise<StrategyDoc> {
    return this.owned(id, principal, 'read');
  }

  private async lifecycle(id: string, type: Lifecycle, reason: string | undefined, ctx: CommandContext, principal: Principal) {
    await this.owned(id, principal, 'trade');
    const command = { type, data: { strategyId: id, reason: reason ?? '', now: '' } } as StrategyCommand;
    return this.run(command, ctx);
  }

  /** The strategy's document; one on an account the caller may not see answers like one that does not exist. */
  private async owned(id: string, principal: Principal, mode: 'read' | 'trade'): Promise<StrategyDoc> {
    // Access is decided from the log (the read model may lag a command that just registered the strategy).
    const [first] = await this.events.readStream(strategyStream(id), { maxCount: 1 });
    const accountId = (first?.data as { accountId?: unknown } | undefined)?.accountId;
    const notFound = new ApiError(404, 'STRATEGY_NOT_FOUND', `strategy ${id} does not exist`);
    if (typeof accountId !== 'string') throw notFound;
    try {
      this.access.account(principal, accountId, mode);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) throw notFound;
      throw error;
    }
    if (mode === 'trade') return { accountId } as StrategyDoc;
    const doc = await STRATEGIES_COLLECTION.get(this.reads, id);
    if (doc !== null) return doc;
    // The projection has not caught up with a strategy just registered: fold its stream (the source of truth).
    const stream = await this.events.readStream(strategyStream(id));
    const state = stream.reduce((s, e) => evolveStrategy(s, { type: e.type, data: e.data } as StrategyEvent), initialStrategyState);
    if (state.status === 'NONE') throw notFound;
    const last = stream[stream.length - 1];
    return { ...state, lastRevision: Number(last.streamRevision), lastEventPosition: Number(last.globalPosition) };
  }

  private async run(command: StrategyCommand, ctx: CommandContext): Promise<StrategyCommandResult> {
    const idSeed = ctx.idempotencyKey ? `${strategyStream(command.data.strategyId)}|${command.type}|${ctx.idempotencyKey}` : null;
    return commandResponse(await this.commandBus.execute<ExecuteStrategyCommand, CommandOutcome<StrategyCommandResult>>(new ExecuteStrategyCommand(command, ctx, idSeed)));
  }
}
