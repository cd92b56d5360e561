import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { StrategyRegistryModule } from '../paper/strategy-registry.module';
import { BacktestRunsController } from './backtest-runs.controller';
import { BacktestsController } from './backtests.controller';
import { BacktestRunStores } from './run-stores';

/** Backtest runs over HTTP: the list, a run's contents read from its folder, and promotion to a paper strategy. */
@Module({
  imports: [AuthModule, StrategyRegistryModule],
  controllers: [BacktestsController, BacktestRunsController],
  providers: [BacktestRunStores],
})
export class BacktestsModule {}
