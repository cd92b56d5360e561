import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ReadYourWritesService } from '../queries/read-your-writes.service';
import { PerformanceController } from './performance.controller';

/** Read-only performance analytics of accounts and strategies over HTTP. */
@Module({
  imports: [AuthModule],
  controllers: [PerformanceController],
  providers: [ReadYourWritesService],
})
export class PerformanceModule {}
