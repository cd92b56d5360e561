export * from './envelope';
export * from './event-store.port';
export * from './errors';
export { settleWithin } from './settle-within';
export * from './sqlite/sqlite-event-store';
export { EsdbEventStore, type EsdbEventStoreOptions } from './esdb/esdb-event-store';
export { exportEvents, type ExportOptions, type ExportReport } from './transfer/export-events';
export { importEvents, ImportConflictError, ImportEventTooLargeError, type ImportOptions, type ImportReport } from './transfer/import-events';
export { formatLine as formatExportLine, parseLine as parseExportLine, MalformedExportLineError, type ExportedEvent } from './transfer/ndjson-format';
