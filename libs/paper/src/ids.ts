import { hashSeed } from '@robo/market-data';

/** What the api accepts as a client order id or a fill id: 1 to 64 of letters, digits, '.', '_', ':' and '-'. */
const TOKEN_MAX = 64;

/**
 * A deterministic id from its parts (the same parts always give the same id, so a retried placement or a re-run
 * broker step is recognised as a duplicate). Characters the api refuses (the spaces of an option symbol) become
 * '_'; an id longer than 64 characters keeps its first 55 and a 32-bit FNV-1a hash of the whole.
 */
export function deterministicId(...parts: (string | number)[]): string {
  const raw = parts.join(':');
  const safe = raw.replace(/[^A-Za-z0-9._:-]/g, '_');
  if (safe.length <= TOKEN_MAX) return safe;
  return `${safe.slice(0, 55)}-${hashSeed(raw).toString(16).padStart(8, '0')}`;
}
