import { Global, Module } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@robo/event-store';
import { AggregateRepository, IdempotencyRecords, KeyedMutex, WriteStep } from '@robo/write-path';

/**
 * The write path (`@robo/write-path`) bound to the api's providers: one repository cache, one set of stream locks,
 * one write step for every module, the idempotency records. The library knows nothing of Nest; this is all the glue.
 */
@Global()
@Module({
  providers: [
    { provide: AggregateRepository, inject: [EVENT_STORE], useFactory: (store: EventStore) => new AggregateRepository(store) },
    { provide: KeyedMutex, useFactory: () => new KeyedMutex() },
    { provide: WriteStep, inject: [AggregateRepository, EVENT_STORE, KeyedMutex], useFactory: (repository: AggregateRepository, store: EventStore, locks: KeyedMutex) => new WriteStep(repository, store, locks) },
    { provide: IdempotencyRecords, inject: [WriteStep, EVENT_STORE], useFactory: (step: WriteStep, store: EventStore) => new IdempotencyRecords(step, store) },
  ],
  exports: [AggregateRepository, KeyedMutex, WriteStep, IdempotencyRecords],
})
export class WriteModule {}
