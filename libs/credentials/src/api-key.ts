import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `rtk_<kid>_<secret>`: the kid is public (it names the key in the audit trail), the secret is
 * 32 random bytes shown once and stored only as a salted scrypt hash.
 */
const KEY_FORMAT = /^rtk_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;
export const KID_FORMAT = /^[a-z0-9]{16}$/;

// scrypt cost: N=2^14, r=8, p=1 (the interactive-login parameters of the scrypt paper; about 16 MiB and tens of ms).
const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

export interface ParsedApiKey {
  kid: string;
  secret: string;
}

export function parseApiKey(value: string): ParsedApiKey | null {
  const match = KEY_FORMAT.exec(value);
  return match ? { kid: match[1], secret: match[2] } : null;
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith('rtk_');
}

export function newKid(): string {
  // 16 characters of base 36 from 10 random bytes: unique enough for ids, short enough to read in the audit trail.
  return BigInt(`0x${randomBytes(10).toString('hex')}`).toString(36).padStart(16, '0').slice(-16);
}

export function newApiKey(kid: string): string {
  return `rtk_${kid}_${randomBytes(32).toString('base64url')}`;
}

function derive(secret: string, salt: Buffer, params: { N: number; r: number; p: number; length: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, params.length, { N: params.N, r: params.r, p: params.p, maxmem: 64 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** `scrypt$N$r$p$<salt base64>$<hash base64>`: the parameters travel with the hash so they can be raised later. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(secret, salt, { N, r: R, p: P, length: KEY_LENGTH });
  return ['scrypt', N, R, P, salt.toString('base64'), hash.toString('base64')].join('$');
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts;
  const expected = Buffer.from(hash, 'base64');
  const actual = await derive(secret, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p), length: expected.length });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
