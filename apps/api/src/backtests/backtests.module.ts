import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { StrategyRegistryModule } from '../paper/strategy-registry.module';
import { BacktestsController } from './backtests.controller';

/** Backtest runs over HTTP: the list, and promotion to a paper strategy. */
@Module({
  imports: [AuthModule, StrategyRegistryModule],
  controllers: [BacktestsController],
})
export class BacktestsModule {}
