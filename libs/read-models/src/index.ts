export * from './read-model-store.port';
export * from './projection';
export * from './collection';
export * from './errors';
export { canonicalJson } from './support/canonical-json';
export { isValidName } from './support/names';
export {
  MAX_LIMIT,
  MAX_IN_VALUES,
  decodeCursor,
  encodeCursor,
  validateFindQuery,
  validateWhere,
  type Condition,
  type CursorPosition,
  type RangeBounds,
  type ValidatedFindQuery,
} from './support/find-query';
export { SqliteReadModelStore, type SqliteReadModelStoreOptions } from './sqlite/sqlite-read-model-store';
export * from './projections';
export * from './queries/portfolio';
export * from './queries/grant-pages';
export * from './queries/account-list';
export * from './runner/projection-runner';
export * from './queries/performance';
export * from './queries/performance-reader';
export { MongoReadModelStore, type MongoReadModelStoreOptions } from './mongo/mongo-read-model-store';
export { PartitionedReadModelStore, type ReadStorePartition } from './partitioned-read-model-store';
export * from './queries/statement';
export * from './queries/csv';
export { isDuplicateKey as isMongoDuplicateKey, isMongoUnavailable } from './mongo/mongo-errors';
export { databaseFromUrl as mongoDatabaseFromUrl } from './mongo/mongo-read-model-store';
