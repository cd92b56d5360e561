import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ReadYourWritesService } from '../queries/read-your-writes.service';
import { AuditController } from './audit.controller';

/** Replay, time travel, correlation trees and lineage over HTTP (docs/audit.md). */
@Module({
  imports: [AuthModule],
  controllers: [AuditController],
  providers: [ReadYourWritesService],
})
export class AuditModule {}
