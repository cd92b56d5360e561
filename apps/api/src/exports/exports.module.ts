import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ReadYourWritesService } from '../queries/read-your-writes.service';
import { ExportsController } from './exports.controller';

/** CSV exports and the daily P&L statement of an account. */
@Module({
  imports: [AuthModule],
  controllers: [ExportsController],
  providers: [ReadYourWritesService],
})
export class ExportsModule {}
