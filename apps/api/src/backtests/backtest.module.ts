import * as path from 'node:path';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { createMarketCalendar } from '@robo/domain';
import { EVENT_STORE, type EventStore, SqliteEventStore, type SqliteDurability } from '@robo/event-store';
import { READ_MODEL_STORE, type ReadModelStore } from '@robo/read-models';
import {
  AppConfig,
  CHARGE_SCHEDULES_IN_FORCE,
  CLOCK,
  ConfigModule,
  INSTRUMENTS,
  loadChargeSchedules,
  loadHolidays,
  loadInstrumentCatalog,
  MARKET_CALENDAR,
  openReadStore,
  SteeredClock,
  systemWallClock,
  WALL_CLOCK,
} from '@robo/runtime';
import { AccountCommandHandler } from '../accounts/account-command.handler';
import { MarketDataService } from '../market/market-data.service';
import { MarketContextService } from '../orders/market-context.service';
import { ModifyOrderHandler } from '../orders/modify-order.handler';
import { OrderLifecycleHandler } from '../orders/order-lifecycle.handler';
import { PlaceOrderHandler } from '../orders/place-order.handler';
import { RiskContextFactory } from '../orders/risk-context.factory';
import { SellCoverReactor } from '../orders/sell-cover.reactor';
import { SettlementReactor } from '../orders/settlement.reactor';
import { OrderPlacer } from '../paper/order-placer';
import { PaperBrokerService } from '../paper/paper-broker.service';
import { PaperEngineService } from '../paper/paper-engine.service';
import { StrategyRegistryModule } from '../paper/strategy-registry.module';
import { StrategyRunnerService } from '../paper/strategy-runner.service';
import { StrategyCommandHandler } from '../strategies/strategy-command.handler';
import { WriteModule } from '../write/write.module';
import { BacktestBarMarket, BacktestMarketContext, BacktestSimulatedMarket, PricesCatchUp } from './backtest-market';
import { BACKTEST_SPEC, type BacktestSpec } from '@robo/backtest';

/**
 * The stores of one run, in its own folder: an event log whose recorded times are business times (the run's
 * clock), so that the same run gives the same bytes, and the read models beside it. Neither is fsynced (durability
 * 'none'): a run is rebuilt from its inputs, not recovered (a crashed run is run again; its log is hashed at the
 * end), and the stores refuse to open a folder that already holds a log or read models that way. 'full' (the live
 * stores' settings) is there to show that a run's log does not depend on it.
 */
@Global()
@Module({})
class BacktestStoresModule {
  static forRoot(config: AppConfig, from: string, durability: SqliteDurability): DynamicModule {
    const clock = new SteeredClock(from);
    return {
      module: BacktestStoresModule,
      providers: [
        { provide: CLOCK, useValue: clock },
        { provide: WALL_CLOCK, useValue: systemWallClock },
        { provide: EVENT_STORE, useFactory: () => SqliteEventStore.open({ file: path.join(config.dataDir, 'events.db'), recordedAt: () => clock.now(), durability }) },
        { provide: READ_MODEL_STORE, useFactory: () => openReadStore(config, () => undefined, { durability: durability === 'none' ? 'none' : 'normal' }) },
        { provide: INSTRUMENTS, useFactory: () => loadInstrumentCatalog(config) },
        { provide: CHARGE_SCHEDULES_IN_FORCE, useFactory: () => loadChargeSchedules(config.chargesFile) },
        { provide: MARKET_CALENDAR, useFactory: () => createMarketCalendar({ holidays: loadHolidays(config.holidaysFile) }) },
      ],
      exports: [CLOCK, WALL_CLOCK, EVENT_STORE, READ_MODEL_STORE, INSTRUMENTS, CHARGE_SCHEDULES_IN_FORCE, MARKET_CALENDAR],
    };
  }
}

/**
 * A backtest is paper trading on a market that someone else's data drives: the same command handlers (pre-trade
 * risk, reservations, the order and position deciders), the same paper broker (slippage, partial fills against
 * volume, charges from the dated schedule, the MIS square-off) and the same strategy runner, assembled without
 * HTTP, auth or the projector.
 */
@Module({})
export class BacktestModule {
  static forRoot(config: AppConfig, spec: BacktestSpec, durability: SqliteDurability = 'none'): DynamicModule {
    const market = spec.data.source === 'csv' ? BacktestBarMarket : BacktestSimulatedMarket;
    return {
      module: BacktestModule,
      imports: [ConfigModule.forRoot(config), BacktestStoresModule.forRoot(config, spec.from, durability), CqrsModule.forRoot(), WriteModule, StrategyRegistryModule],
      providers: [
        { provide: BACKTEST_SPEC, useValue: spec },
        { provide: MarketDataService, useClass: market },
        AccountCommandHandler,
        StrategyCommandHandler,
        PlaceOrderHandler,
        ModifyOrderHandler,
        OrderLifecycleHandler,
        SettlementReactor,
        SellCoverReactor,
        RiskContextFactory,
        { provide: PricesCatchUp, useFactory: (events: EventStore, reads: ReadModelStore) => new PricesCatchUp(events, reads), inject: [EVENT_STORE, READ_MODEL_STORE] },
        { provide: MarketContextService, useClass: BacktestMarketContext },
        OrderPlacer,
        PaperBrokerService,
        StrategyRunnerService,
        PaperEngineService,
      ],
    };
  }
}
