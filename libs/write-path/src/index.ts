/**
 * The write path: one generic load-decide-append step (expected revision, bounded retry on a lost race,
 * deterministic event ids) with its repository, stream locks and batcher, the outcomes every command answers, and
 * the idempotency records. Free of HTTP and of Nest: the api binds these to its providers (`apps/api/src/write`).
 */
export * from './aggregate-repository';
export * from './append-decision';
export * from './command-context';
export * from './event-ids';
export * from './idempotency';
export * from './keyed-batcher';
export * from './keyed-mutex';
export * from './outcome';
export * from './write-step';
