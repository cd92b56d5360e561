/**
 * The contract between the api and its clients: the request and response bodies of every operation, as JSON Schemas
 * from which the OpenAPI document is produced and TypeScript types are derived. Imported by the server (controllers,
 * bootstrap) and by the dashboard (web/src/api). No runtime dependency, no Node API: it runs in the browser too.
 */
export * from './schema';
export * from './common';
export * from './accounts';
export * from './orders';
export * from './strategies';
export * from './backtests';
export * from './performance';
export * from './audit';
export * from './operations-views';
export * from './brokers';
export * from './operations';
export * from './openapi';
