import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { accountStream, AccountCommand } from '@robo/domain';
import { listAccounts, READ_MODEL_STORE, DocumentReader } from '@robo/read-models';
import { AccessService } from '../auth/access.service';
import { credentialStream, KeyManager, READ_ROLES } from '@robo/credentials';
import { KeyedMutex, type CommandContext, derivedId, newId, type CommandResult, type CommandOutcome } from '@robo/write-path';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { parseLimit, parsePosition } from '../queries/queries.dto';
import { ReadYourWritesService } from '../queries/read-your-writes.service';
import { Ctx } from '../common/command-context.decorator';
import { uuidParam } from '../common/uuid-param';
import { commandResponse } from '../common/outcome-response';
import { ExecuteAccountCommand } from './account-command';
import { AccountCommandResponse, AccountListResponse, AmountDto, BrokerDto, HaltDto, ListAccountsQuery, OpenAccountDto, RiskLimitsDto } from './accounts.dto';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('api/accounts')
export class AccountsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly access: AccessService,
    private readonly keys: KeyManager,
    private readonly locks: KeyedMutex,
    @Inject(READ_MODEL_STORE) private readonly reads: DocumentReader,
    private readonly consistency: ReadYourWritesService,
  ) {}

  @Get()
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: 'The accounts the caller may see (admins and auditors: all; traders and viewers: their grants), by name, paged; q searches names' })
  @ApiResponse({ status: 200, type: AccountListResponse })
  async list(@Query() query: ListAccountsQuery, @CurrentPrincipal() principal: Principal): Promise<AccountListResponse> {
    await this.consistency.waitFor(parsePosition(query.minPosition), ['accounts', 'positions', 'prices']);
    const accountIds = this.access.visibleAccounts(principal);
    const access = principal.role === 'admin' || principal.role === 'trader' ? 'trade' : 'read';
    return listAccounts(this.reads, { accountIds, q: query.q, limit: parseLimit(query.limit), cursor: query.cursor ?? null, access });
  }

  @Post()
  @Roles('trader', 'admin')
  @ApiOperation({ summary: 'Open an account with its initial cash (a trader is granted the account it opens)' })
  @ApiResponse({ status: 201, type: AccountCommandResponse })
  async open(@Body() body: OpenAccountDto, @Ctx() ctx: CommandContext, @CurrentPrincipal() principal: Principal): Promise<AccountCommandResponse> {
    // With an Idempotency-Key the account id is derived from it (and from the caller, so that two keys choosing the
    // same Idempotency-Key never land on one account): a retry finds the same account.
    const accountId = ctx.idempotencyKey ? derivedId('open-account', principal.kid, ctx.idempotencyKey) : newId();
    const open = () => this.run(accountId, { type: 'OpenAccount', data: { accountId, name: body.name, initialCashPaise: body.initialCashPaise, now: '' } }, ctx);
    if (principal.role !== 'trader') return open();
    // One opening at a time per key, so that the grant cap is checked against the key's grants as they are.
    return this.locks.run(credentialStream(principal.kid), async () => {
      KeyManager.assertRoomForGrant((await this.keys.get(principal.kid)).accountIds, accountId);
      const result = await open();
      // Also on a retried open: a crash between the account and its grant is completed by retrying, and a grant
      // removed since stays removed (the grant is recorded once per opening).
      await this.keys.grantOwnAccount(principal.kid, principal.role, accountId, { actor: ctx.actor, correlationId: ctx.correlationId, causationId: ctx.causationId });
      return result;
    });
  }

  @Post(':id/deposits')
  @HttpCode(201)
  @Roles('trader', 'admin')
  @ApiOperation({ summary: 'Deposit cash' })
  @ApiResponse({ status: 201, type: AccountCommandResponse })
  deposit(@Param('id', uuidParam()) accountId: string, @Body() body: AmountDto, @Ctx() ctx: CommandContext, @CurrentPrincipal() principal: Principal) {
    this.access.account(principal, accountId, 'trade');
    return this.run(accountId, { type: 'DepositFunds', data: { accountId, amountPaise: body.amountPaise } }, ctx);
  }

  @Post(':id/withdrawals')
  @HttpCode(201)
  @Roles('trader', 'admin')
  @ApiOperation({ summary: 'Withdraw cash (never below zero, never below what open orders hold)' })
  @ApiResponse({ status: 201, type: AccountCommandResponse })
  withdraw(@Param('id', uuidParam()) accountId: string, @Body() body: AmountDto, @Ctx() ctx: CommandContext, @CurrentPrincipal() principal: Principal) {
    this.access.account(principal, accountId, 'trade');
    return this.run(accountId, { type: 'WithdrawFunds', data: { accountId, amountPaise: body.amountPaise } }, ctx);
  }

  @Post(':id/risk-limits')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Set the risk limits (omitted or null = no limit); admins only' })
  @ApiResponse({ status: 200, type: AccountCommandResponse })
  setLimits(@Param('id', uuidParam()) accountId: string, @Body() body: RiskLimitsDto, @Ctx() ctx: CommandContext) {
    return this.run(
      accountId,
      {
        type: 'SetRiskLimits',
        data: {
          accountId,
          maxOrderValuePaise: body.maxOrderValuePaise ?? null,
          maxPositionQuantity: body.maxPositionQuantity ?? null,
          dailyLossLimitPaise: body.dailyLossLimitPaise ?? null,
        },
      },
      ctx,
    );
  }

  @Post(':id/halt')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Kill switch: refuse new orders for this account; admins only' })
  halt(@Param('id', uuidParam()) accountId: string, @Body() body: HaltDto, @Ctx() ctx: CommandContext) {
    return this.run(accountId, { type: 'HaltTrading', data: { accountId, reason: body.reason } }, ctx);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Accept orders again after a halt; admins only' })
  resume(@Param('id', uuidParam()) accountId: string, @Ctx() ctx: CommandContext) {
    return this.run(accountId, { type: 'ResumeTrading', data: { accountId } }, ctx);
  }

  @Post(':id/broker')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Choose where the account\'s orders are executed: paper (the default) or kite (Zerodha Kite Connect); admins only' })
  chooseBroker(@Param('id', uuidParam()) accountId: string, @Body() body: BrokerDto, @Ctx() ctx: CommandContext) {
    return this.run(accountId, { type: 'ChooseBroker', data: { accountId, broker: body.broker } }, ctx);
  }

  private async run(accountId: string, command: AccountCommand, ctx: CommandContext): Promise<AccountCommandResponse> {
    const idSeed = ctx.idempotencyKey ? `${accountStream(accountId)}|${command.type}|${ctx.idempotencyKey}` : null;
    const outcome = await this.commandBus.execute<ExecuteAccountCommand, CommandOutcome<CommandResult>>(new ExecuteAccountCommand(command, ctx, idSeed));
    return { accountId, ...commandResponse(outcome) };
  }
}
