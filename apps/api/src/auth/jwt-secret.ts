import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AppConfig, ConfigError } from '@robo/runtime';

export const JWT_SECRET_FILE = 'jwt-secret';

/**
 * The access-token signing secret: AUTH_JWT_SECRET, or in embedded mode a secret generated once into
 * DATA_DIR/jwt-secret (mode 0600), so tokens survive a restart and the api and CLI on one host agree.
 * loadConfig already refused a missing secret outside embedded mode.
 */
export function resolveJwtSecret(config: AppConfig): string {
  if (config.authJwtSecret !== null) return config.authJwtSecret;
  const file = path.join(config.dataDir, JWT_SECRET_FILE);
  fs.mkdirSync(config.dataDir, { recursive: true });
  try {
    // 'wx': of two processes starting at once, one writes and the other reads what it wrote.
    fs.writeFileSync(file, `${randomBytes(48).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new ConfigError('AUTH_JWT_SECRET', `is unset and ${file} could not be created (${(error as Error).message})`);
    }
  }
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new ConfigError('AUTH_JWT_SECRET', `is unset and ${file} holds no usable secret (delete it to generate a new one)`);
  return secret;
}
