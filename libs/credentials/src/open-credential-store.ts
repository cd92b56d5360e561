import * as path from 'node:path';
import type { AppConfig } from '@robo/runtime';
import type { CredentialStore } from './credential-store.port';
import { MongoCredentialStore } from './mongo-credential-store';
import { SqliteCredentialStore } from './sqlite-credential-store';

/** The embedded store's file under DATA_DIR. */
export const CREDENTIALS_FILE = 'auth.db';

/** The configured credential store (CREDENTIAL_STORE): the api and the CLI open the same one. */
export function openCredentialStore(config: Pick<AppConfig, 'credentialStore' | 'dataDir' | 'mongoUrl'>): CredentialStore {
  if (config.credentialStore === 'mongo') return MongoCredentialStore.connect({ url: config.mongoUrl! });
  return SqliteCredentialStore.open({ file: path.join(config.dataDir, CREDENTIALS_FILE) });
}
