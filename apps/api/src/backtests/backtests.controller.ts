import * as path from 'node:path';
import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { BacktestRunList } from '@robo/contract';
import { strategyStream, type JsonObject, type StrategyCommand } from '@robo/domain';
import { logHash } from '@robo/backtest';
import { SqliteEventStore } from '@robo/event-store';
import type { StrategyRegistry } from '@robo/paper';
import { APP_CONFIG, AppConfig } from '@robo/runtime';
import { AccessService } from '../auth/access.service';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ApiError } from '../common/api-error';
import { Ctx } from '../common/command-context.decorator';
import { commandResponse } from '../common/outcome-response';
import { uuidParam } from '../common/uuid-param';
import { STRATEGY_REGISTRY } from '../paper/strategy-registry.module';
import { ExecuteStrategyCommand, type StrategyCommandResult } from '../strategies/strategy-command';
import { type CommandContext, derivedId, newId, type CommandOutcome } from '@robo/write-path';
import { listRuns, readRun, runDir } from '@robo/backtest';
import { PromoteBacktestDto } from './backtests.dto';
import { strategyInstruments } from './run-backtest';

/** The runs `robo backtest run` made in DATA_DIR/backtests, and their promotion to paper strategies. */
@ApiTags('backtests')
@ApiBearerAuth()
@Controller('api/backtests')
export class BacktestsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly access: AccessService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STRATEGY_REGISTRY) private readonly registry: StrategyRegistry,
  ) {}

  @Get()
  @Roles('trader', 'viewer', 'auditor', 'admin')
  @ApiOperation({ summary: 'Every finished backtest run: kind, parameters, data source, log hash and statistics, oldest first' })
  list(): BacktestRunList {
    return { items: listRuns(this.config.dataDir) };
  }

  @Post(':runId/promote')
  @Roles('trader', 'admin')
  @ApiOperation({ summary: "Register a paper strategy with the run's kind and parameters; its registration records the run's id and log hash" })
  async promote(@Param('runId', uuidParam()) runId: string, @Body() body: PromoteBacktestDto, @Ctx() ctx: CommandContext, @CurrentPrincipal() principal: Principal): Promise<StrategyCommandResult> {
    this.access.account(principal, body.accountId, 'trade');
    const run = readRun(this.config.dataDir, runId);
    if (run === null) throw new ApiError(404, 'BACKTEST_NOT_FOUND', `no finished backtest run ${runId}`);
    // The run must still be what it claims: its log hashes to the recorded hash.
    const store = SqliteEventStore.open({ file: path.join(runDir(this.config.dataDir, runId), 'events.db') });
    let actual: string;
    try {
      actual = (await logHash(store)).hash;
    } finally {
      await store.close();
    }
    if (actual !== run.hash) throw new ApiError(409, 'BACKTEST_LOG_CHANGED', `the log of run ${runId} no longer hashes to ${run.hash}`, { recorded: run.hash, actual });
    if (!this.registry.has(run.kind)) throw new ApiError(422, 'UNKNOWN_STRATEGY_KIND', `no strategy module of kind ${run.kind} is registered here`, { kind: run.kind });
    const strategyId = ctx.idempotencyKey ? derivedId('promote-backtest', principal.kid, ctx.idempotencyKey) : newId();
    const command: StrategyCommand = {
      type: 'RegisterStrategy',
      data: {
        strategyId,
        accountId: body.accountId,
        kind: run.kind,
        name: body.name,
        parameters: run.parameters as JsonObject,
        instruments: strategyInstruments(this.registry, run.kind, run.parameters as JsonObject),
        capitalAllocationPaise: body.capitalAllocationPaise ?? run.capitalPaise,
        backtest: { runId: run.runId, hash: run.hash },
        now: '',
      },
    };
    const idSeed = ctx.idempotencyKey ? `${strategyStream(strategyId)}|promote|${ctx.idempotencyKey}` : null;
    return commandResponse(await this.commandBus.execute<ExecuteStrategyCommand, CommandOutcome<StrategyCommandResult>>(new ExecuteStrategyCommand(command, ctx, idSeed)));
  }
}
