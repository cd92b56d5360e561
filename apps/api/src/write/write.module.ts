import { Global, Module } from '@nestjs/common';
import { AggregateRepository } from './aggregate-repository';
import { IdempotencyRecords } from './idempotency';
import { KeyedMutex } from './keyed-mutex';
import { WriteStep } from './write-step';

/** The write path's shared parts: one repository cache, one set of stream locks, one write step for every module, the idempotency records. */
@Global()
@Module({
  providers: [AggregateRepository, KeyedMutex, WriteStep, IdempotencyRecords],
  exports: [AggregateRepository, KeyedMutex, WriteStep, IdempotencyRecords],
})
export class WriteModule {}
