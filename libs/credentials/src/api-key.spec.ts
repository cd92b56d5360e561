import { hashSecret, looksLikeApiKey, newApiKey, newKid, parseApiKey, verifySecret } from './api-key';

describe('API keys', () => {
  it('have the form rtk_<kid>_<secret> with a 16-character kid and 32 random bytes', () => {
    const kid = newKid();
    expect(kid).toMatch(/^[a-z0-9]{16}$/);
    const key = newApiKey(kid);
    expect(parseApiKey(key)).toEqual({ kid, secret: key.slice(21) });
    expect(looksLikeApiKey(key)).toBe(true);
    expect(new Set(Array.from({ length: 200 }, () => newKid())).size).toBe(200);
    expect(newApiKey(kid)).not.toBe(key);
  });

  it.each([['rtk_short_x'], [''], ['rtk_ABCDEFGHIJKLMNOP_' + 'a'.repeat(43)], ['rtk_' + 'a'.repeat(16) + '_' + 'a'.repeat(42)], ['xrtk_' + 'a'.repeat(16) + '_' + 'a'.repeat(43)]])('refuses the malformed key %j', (value) => {
    expect(parseApiKey(value)).toBeNull();
  });

  it('are stored as salted scrypt hashes that verify only the right secret', async () => {
    const key = newApiKey(newKid());
    const [a, b] = await Promise.all([hashSecret(key), hashSecret(key)]);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(a).not.toBe(b); // a fresh salt each time
    expect(a).not.toContain(key.slice(21));
    expect(await verifySecret(key, a)).toBe(true);
    expect(await verifySecret(key, b)).toBe(true);
    expect(await verifySecret(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`, a)).toBe(false);
    expect(await verifySecret(key, 'scrypt$16384$8$1$AAAA')).toBe(false);
    expect(await verifySecret(key, 'plain')).toBe(false);
  });
});
