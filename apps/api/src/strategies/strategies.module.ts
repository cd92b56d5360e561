import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { StrategyRegistryModule } from '../paper/strategy-registry.module';
import { ReadYourWritesService } from '../queries/read-your-writes.service';
import { StrategiesController } from './strategies.controller';
import { StrategyCommandHandler } from './strategy-command.handler';

/** The strategy aggregate over HTTP: register, lifecycle, kill switch, parameters; list and read. */
@Module({
  imports: [AuthModule, StrategyRegistryModule],
  controllers: [StrategiesController],
  providers: [StrategyCommandHandler, ReadYourWritesService],
})
export class StrategiesModule {}
