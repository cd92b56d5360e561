import { Global, Module } from '@nestjs/common';
import { AggregateRepository } from './aggregate-repository';
import { KeyedMutex } from './keyed-mutex';
import { WriteStep } from './write-step';

/** The write path's shared parts: one repository cache, one set of stream locks, one write step for every module. */
@Global()
@Module({
  providers: [AggregateRepository, KeyedMutex, WriteStep],
  exports: [AggregateRepository, KeyedMutex, WriteStep],
})
export class WriteModule {}
