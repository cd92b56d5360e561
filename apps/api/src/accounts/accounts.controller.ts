import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { accountStream, AccountCommand } from '@robo/domain';
import { Ctx } from '../common/command-context.decorator';
import { uuidParam } from '../common/uuid-param';
import type { CommandContext } from '../write/command-context';
import { derivedId, newId } from '../write/event-ids';
import type { CommandResult } from '../write/append-decision';
import { ExecuteAccountCommand } from './account-command';
import { AccountCommandResponse, AmountDto, HaltDto, OpenAccountDto, RiskLimitsDto } from './accounts.dto';

@ApiTags('accounts')
@Controller('api/accounts')
export class AccountsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @ApiOperation({ summary: 'Open an account with its initial cash' })
  @ApiResponse({ status: 201, type: AccountCommandResponse })
  open(@Body() body: OpenAccountDto, @Ctx() ctx: CommandContext): Promise<AccountCommandResponse> {
    // With an Idempotency-Key the account id is derived from it, so a retry finds the same account.
    const accountId = ctx.idempotencyKey ? derivedId('open-account', ctx.idempotencyKey) : newId();
    return this.run(accountId, { type: 'OpenAccount', data: { accountId, name: body.name, initialCashPaise: body.initialCashPaise, now: '' } }, ctx);
  }

  @Post(':id/deposits')
  @HttpCode(201)
  @ApiOperation({ summary: 'Deposit cash' })
  @ApiResponse({ status: 201, type: AccountCommandResponse })
  deposit(@Param('id', uuidParam()) accountId: string, @Body() body: AmountDto, @Ctx() ctx: CommandContext) {
    return this.run(accountId, { type: 'DepositFunds', data: { accountId, amountPaise: body.amountPaise } }, ctx);
  }

  @Post(':id/withdrawals')
  @HttpCode(201)
  @ApiOperation({ summary: 'Withdraw cash (never below zero, never below what open orders hold)' })
  @ApiResponse({ status: 201, type: AccountCommandResponse })
  withdraw(@Param('id', uuidParam()) accountId: string, @Body() body: AmountDto, @Ctx() ctx: CommandContext) {
    return this.run(accountId, { type: 'WithdrawFunds', data: { accountId, amountPaise: body.amountPaise } }, ctx);
  }

  @Post(':id/risk-limits')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set the risk limits (omitted or null = no limit)' })
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
  @ApiOperation({ summary: 'Kill switch: refuse new orders for this account' })
  halt(@Param('id', uuidParam()) accountId: string, @Body() body: HaltDto, @Ctx() ctx: CommandContext) {
    return this.run(accountId, { type: 'HaltTrading', data: { accountId, reason: body.reason } }, ctx);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept orders again after a halt' })
  resume(@Param('id', uuidParam()) accountId: string, @Ctx() ctx: CommandContext) {
    return this.run(accountId, { type: 'ResumeTrading', data: { accountId } }, ctx);
  }

  private async run(accountId: string, command: AccountCommand, ctx: CommandContext): Promise<AccountCommandResponse> {
    const idSeed = ctx.idempotencyKey ? `${accountStream(accountId)}|${command.type}|${ctx.idempotencyKey}` : null;
    const result = await this.commandBus.execute<ExecuteAccountCommand, CommandResult>(new ExecuteAccountCommand(command, ctx, idSeed));
    return { accountId, ...result };
  }
}
