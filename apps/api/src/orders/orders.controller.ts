import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { commandResponse } from '../common/outcome-response';
import { type CommandOutcome, type CommandContext, derivedId, newId } from '@robo/write-path';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { orderStream } from '@robo/domain';
import { AccessService } from '../auth/access.service';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { EXECUTION_ROLES } from '@robo/credentials';
import { Ctx } from '../common/command-context.decorator';
import { uuidParam } from '../common/uuid-param';
import { CLOCK, Clock } from '@robo/runtime';
import type { LifecycleResult } from './order-lifecycle.handler';
import { ModifyOrderMessage, OrderCommandResult, OrderLifecycleMessage, PlaceOrderMessage, PlaceOrderOutcome } from './order-commands';
import { placeOrderResponse } from './place-order.outcome';
import { BrokerHealthService, KITE_NOT_ROUTABLE } from '../brokers/broker-health.service';
import { CancelOrderDto, ModifyOrderDto, OrderCommandResponse, PlaceOrderDto, ReportFillDto, TriggerOrderDto } from './orders.dto';

/** Commands on orders: traders on the orders of their accounts, and admins; execution reports from brokers and admins. */
@ApiTags('orders')
@ApiBearerAuth()
@Controller('api/orders')
@Roles('trader', 'admin')
export class OrdersController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly access: AccessService,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly brokers: BrokerHealthService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Place an order; pre-trade risk checks run at once (422 with the reason code when refused)' })
  @ApiResponse({ status: 201, type: OrderCommandResponse })
  @ApiResponse({ status: 503, description: KITE_NOT_ROUTABLE })
  async place(@Body() body: PlaceOrderDto, @Ctx() ctx: CommandContext, @CurrentPrincipal() principal: Principal): Promise<OrderCommandResult> {
    this.access.account(principal, body.accountId, 'trade');
    // A Kite account's order while Kite cannot take it (breaker open, token refused): 503, nothing recorded.
    await this.brokers.assertAccountRoutable(body.accountId);
    // clientOrderId and Idempotency-Key both make the order id deterministic, so a duplicate cannot slip in.
    const derived = body.clientOrderId
      ? derivedId('client-order', body.accountId, body.clientOrderId)
      : ctx.idempotencyKey
        ? derivedId('idempotent-order', body.accountId, ctx.idempotencyKey)
        : null;
    const orderId = derived ?? newId();
    const outcome = await this.commandBus.execute<PlaceOrderMessage, PlaceOrderOutcome>(
      new PlaceOrderMessage(
        {
          orderId,
          accountId: body.accountId,
          instrument: body.instrument,
          side: body.side,
          quantity: body.quantity,
          orderType: body.type,
          limitPricePaise: body.limitPricePaise ?? null,
          triggerPricePaise: body.triggerPricePaise ?? null,
          product: body.product,
          validity: body.validity,
          strategyId: body.strategyId ?? null,
          clientOrderId: body.clientOrderId ?? null,
        },
        ctx,
        { idempotent: ctx.idempotencyKey !== undefined, generatedId: derived === null },
      ),
    );
    return placeOrderResponse(outcome);
  }

  @Post(':id/fills')
  @Roles(...EXECUTION_ROLES)
  @ApiOperation({
    summary:
      'Report an execution (from a broker or the paper broker); the same report twice changes nothing (200), a fill id reused with other data is refused (409 FILL_ID_REUSED)',
  })
  @ApiResponse({ status: 201, type: OrderCommandResponse })
  async fill(
    @Param('id', uuidParam()) orderId: string,
    @Body() body: ReportFillDto,
    @Ctx() ctx: CommandContext,
    @Res({ passthrough: true }) res: Response,
    @CurrentPrincipal() principal: Principal,
  ) {
    await this.access.order(principal, orderId, 'execute');
    const outcome = await this.commandBus.execute<OrderLifecycleMessage, CommandOutcome<LifecycleResult>>(
      new OrderLifecycleMessage(
        orderId,
        () => ({
          type: 'ReportFill',
          // Without feesPaise the decision charges the schedule's amount on the order's cumulative turnover.
          data: {
            orderId,
            fillId: body.fillId,
            quantity: body.quantity,
            pricePaise: body.pricePaise,
            feesPaise: body.feesPaise,
            occurredAt: body.occurredAt,
            late: body.late === true,
          },
        }),
        ctx,
        // The fill id is the natural idempotency key of an execution report.
        derivedId(orderStream(orderId), 'fill', body.fillId),
      ),
    );
    const result = commandResponse(outcome);
    res.status(result.changed ? 201 : 200);
    return result;
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel the open quantity of an order' })
  @ApiResponse({ status: 200, type: OrderCommandResponse })
  @ApiResponse({ status: 503, description: KITE_NOT_ROUTABLE })
  async cancel(@Param('id', uuidParam()) orderId: string, @Body() body: CancelOrderDto, @Ctx() ctx: CommandContext, @CurrentPrincipal() principal: Principal) {
    await this.access.order(principal, orderId, 'trade');
    await this.brokers.assertOrderRoutable(orderId);
    return commandResponse(
      await this.commandBus.execute<OrderLifecycleMessage, CommandOutcome<LifecycleResult>>(
        new OrderLifecycleMessage(orderId, () => ({ type: 'CancelOrder', data: { orderId, reason: body.reason ?? 'cancelled by user' } }), ctx, null),
      ),
    );
  }

  @Post(':id/trigger')
  @HttpCode(200)
  @Roles(...EXECUTION_ROLES)
  @ApiOperation({ summary: 'A stop order\'s trigger price was reached (reported by the market-data feed or a broker)' })
  @ApiResponse({ status: 200, type: OrderCommandResponse })
  async trigger(@Param('id', uuidParam()) orderId: string, @Body() body: TriggerOrderDto, @Ctx() ctx: CommandContext, @CurrentPrincipal() principal: Principal) {
    await this.access.order(principal, orderId, 'execute');
    return commandResponse(
      await this.commandBus.execute<OrderLifecycleMessage, CommandOutcome<LifecycleResult>>(
        new OrderLifecycleMessage(orderId, () => ({ type: 'TriggerOrder', data: { orderId, lastPricePaise: body.lastPricePaise, now: this.clock.now() } }), ctx, null),
      ),
    );
  }

  @Post(':id/modify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change quantity or prices of a working order; risk checks run again' })
  @ApiResponse({ status: 200, type: OrderCommandResponse })
  async modify(@Param('id', uuidParam()) orderId: string, @Body() body: ModifyOrderDto, @Ctx() ctx: CommandContext, @CurrentPrincipal() principal: Principal) {
    await this.access.order(principal, orderId, 'trade');
    return commandResponse(await this.commandBus.execute<ModifyOrderMessage, CommandOutcome<OrderCommandResult>>(new ModifyOrderMessage(orderId, body, ctx)));
  }
}
