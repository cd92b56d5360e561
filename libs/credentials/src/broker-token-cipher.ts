import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type AppConfig, secretFileOnce } from '@robo/runtime';

/** The key file under DATA_DIR used when BROKER_TOKEN_KEY is unset (32 random bytes, base64, mode 0600). */
export const BROKER_TOKEN_KEY_FILE = 'broker-token.key';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals broker access tokens at rest with AES-256-GCM: a fresh 12-byte IV per token, the 16-byte tag, and the
 * broker's name as associated data (a token sealed for one broker does not open as another's). A changed byte, or
 * another key, fails to open instead of giving a wrong token.
 */
export class BrokerTokenCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('an AES-256-GCM key is 32 bytes');
  }

  /** BROKER_TOKEN_KEY, or the key file under DATA_DIR (created on first use). */
  static fromConfig(config: Pick<AppConfig, 'brokerTokenKey' | 'dataDir'>): BrokerTokenCipher {
    if (config.brokerTokenKey) return new BrokerTokenCipher(config.brokerTokenKey);
    const text = secretFileOnce(config.dataDir, BROKER_TOKEN_KEY_FILE, 'BROKER_TOKEN_KEY', () => randomBytes(32).toString('base64'), (t) => Buffer.from(t, 'base64').length === 32);
    return new BrokerTokenCipher(Buffer.from(text, 'base64'));
  }

  seal(plain: string, broker: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(broker));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  /** The token, or null when the sealed text was not made by this key for this broker (tampered, another key). */
  open(sealed: string, broker: string): string | null {
    const [version, payload] = sealed.split(':');
    if (version !== VERSION || !payload) return null;
    const raw = Buffer.from(payload, 'base64');
    if (raw.length <= IV_BYTES + TAG_BYTES) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(broker));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
