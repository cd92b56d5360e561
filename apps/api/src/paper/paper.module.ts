import { Module } from '@nestjs/common';
import { DemoModule } from '../demo/demo.module';
import { MarketModule } from '../market/market.module';
import { StrategiesModule } from '../strategies/strategies.module';
import { OrderPlacer } from './order-placer';
import { PaperBrokerService } from './paper-broker.service';
import { PaperEngineService } from './paper-engine.service';
import { StrategyRunnerService } from './strategy-runner.service';

/**
 * Strategies, the simulated market, the paper broker, the strategy runner and the demo, registered in the app with
 * one import. Re-exports the market so that queries can mark positions at live prices.
 */
@Module({
  imports: [StrategiesModule, MarketModule, DemoModule],
  providers: [OrderPlacer, PaperBrokerService, StrategyRunnerService, PaperEngineService],
  exports: [MarketModule, PaperEngineService],
})
export class PaperModule {}
