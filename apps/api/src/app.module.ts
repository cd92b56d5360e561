import { DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig, ConfigModule, loggerOptions, StoresModule } from '@robo/runtime';
import { ProjectorModule } from '@robo/projector';
import { AccountCommandHandler } from './accounts/account-command.handler';
import { AccountsController } from './accounts/accounts.controller';
import { AnalystModule } from './analyst/analyst.module';
import { AuditModule } from './audit/audit.module';
import { BacktestsModule } from './backtests/backtests.module';
import { AuthModule } from './auth/auth.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { PerformanceModule } from './performance/performance.module';
import { ExportsModule } from './exports/exports.module';
import { BasketModule } from './baskets/basket.module';
import { LiveFeedService } from './live/live-feed.service';
import { LiveGateway } from './live/live.gateway';
import { HealthController } from './health/health.controller';
import { PaperModule } from './paper/paper.module';
import { BrokersModule } from './brokers/brokers.module';
import { MarketContextService } from './orders/market-context.service';
import { ModifyOrderHandler } from './orders/modify-order.handler';
import { OrderLifecycleHandler } from './orders/order-lifecycle.handler';
import { OrdersController } from './orders/orders.controller';
import { PlaceOrderHandler } from './orders/place-order.handler';
import { RiskContextFactory } from './orders/risk-context.factory';
import { SettlementReactor } from './orders/settlement.reactor';
import { SellCoverReactor } from './orders/sell-cover.reactor';
import { SettlementReactorRunner } from './orders/settlement-reactor.runner';
import { ExpirySweeper } from './orders/expiry-sweeper';
import { ProjectionsModule } from './projections/projections.module';
import { QueriesController } from './queries/queries.controller';
import { ReadYourWritesService } from './queries/read-your-writes.service';
import { WriteModule } from './write/write.module';
import { IdempotencyInterceptor } from './common/idempotency.interceptor';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerOptions(config)),
        StoresModule,
        CqrsModule.forRoot(),
        WriteModule,
        LifecycleModule,
        AuthModule,
        AuditModule,
        AnalystModule,
        ProjectionsModule,
        PerformanceModule,
        ExportsModule,
        BasketModule,
        PaperModule,
        BacktestsModule,
        BrokersModule,
        ...(config.embeddedProjector ? [ProjectorModule] : []),
      ],
      controllers: [AccountsController, OrdersController, QueriesController, HealthController],
      providers: [
        // Idempotency-Key on every command, one mechanism (see common/idempotency.interceptor.ts).
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        AccountCommandHandler,
        PlaceOrderHandler,
        ModifyOrderHandler,
        OrderLifecycleHandler,
        SettlementReactor,
        SellCoverReactor,
        SettlementReactorRunner,
        ExpirySweeper,
        RiskContextFactory,
        MarketContextService,
        ReadYourWritesService,
        LiveFeedService,
        LiveGateway,
      ],
    };
  }
}
