/**
 * API keys: the credential store port with its SQLite and MongoDB adapters (one contract suite, in `testing`),
 * the key manager that changes keys and records each change as a credential event, roles and the key format.
 * The HTTP side (guards, controllers, tokens, rate limits) stays in the api (`apps/api/src/auth`); the CLI uses
 * this library directly.
 */
export * from './api-key';
export * from './credential-events';
export * from './credential-store.port';
export * from './key-manager';
export * from './mongo-credential-store';
export * from './open-credential-store';
export * from './roles';
export * from './sqlite-credential-store';
export * from './broker-session-store.port';
export * from './broker-sessions';
export * from './broker-token-cipher';
export * from './sqlite-broker-session-store';
export * from './mongo-broker-session-store';
