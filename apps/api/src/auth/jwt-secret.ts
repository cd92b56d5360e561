import { randomBytes } from 'node:crypto';
import { AppConfig, secretFileOnce } from '@robo/runtime';

export const JWT_SECRET_FILE = 'jwt-secret';

/**
 * The access-token signing secret: AUTH_JWT_SECRET, or in embedded mode a secret generated once into
 * DATA_DIR/jwt-secret (mode 0600), so tokens survive a restart and the api and CLI on one host agree.
 * loadConfig already refused a missing secret outside embedded mode.
 */
export function resolveJwtSecret(config: AppConfig): string {
  if (config.authJwtSecret !== null) return config.authJwtSecret;
  return secretFileOnce(config.dataDir, JWT_SECRET_FILE, 'AUTH_JWT_SECRET', () => randomBytes(48).toString('base64url'), (secret) => secret.length >= 32);
}
