/**
 * A small seeded pseudo-random generator, so that a simulated market is reproducible: the same seed gives the same
 * numbers on every run and every machine running the same JavaScript engine. NOT for cryptography.
 *
 * Algorithm: xoshiro128** 1.0 (Blackman and Vigna, https://prng.di.unimi.it/xoshiro128starstar.c): 128 bits of state,
 * period 2^128 - 1, 32-bit outputs that pass BigCrush. The state is seeded with splitmix32 from a 32-bit hash
 * (FNV-1a) of the seed, as the authors advise, so that similar seeds ("a:1", "a:2") give unrelated streams.
 * The state is four uint32 words and can be saved and restored (snapshot / restore) to resume a stream exactly.
 */
export type PrngState = readonly [number, number, number, number];

export interface Prng {
  /** Uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform float in [0, 1) with 53 random bits. */
  nextFloat(): number;
  /** Standard normal N(0, 1) by Box-Muller (the cosine branch only, so the state alone says where the stream is). */
  nextNormal(): number;
  state(): PrngState;
}

/** FNV-1a, 32 bits, over the UTF-16 code units of the seed's text. */
export function hashSeed(seed: number | string): number {
  const text = String(seed);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** splitmix32: expands one 32-bit seed into well-mixed words. */
function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

/** A generator from a seed (any number or text), or from a saved state. */
export function createPrng(seed: number | string | PrngState): Prng {
  const s = typeof seed === 'object' ? [...seed].map((w) => w >>> 0) : seedState(seed);
  if (s.length !== 4 || s.every((w) => w === 0)) throw new RangeError('xoshiro128** needs four words, not all zero');
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] = (s[2] ^ s[0]) >>> 0;
    s[3] = (s[3] ^ s[1]) >>> 0;
    s[1] = (s[1] ^ s[2]) >>> 0;
    s[0] = (s[0] ^ s[3]) >>> 0;
    s[2] = (s[2] ^ t) >>> 0;
    s[3] = rotl(s[3], 11);
    return result;
  };
  const nextFloat = (): number => {
    const high = nextUint32() >>> 5; // 27 bits
    const low = nextUint32() >>> 6; // 26 bits
    return (high * 67_108_864 + low) / 9_007_199_254_740_992; // (high x 2^26 + low) / 2^53
  };
  return {
    nextUint32,
    nextFloat,
    nextNormal: () => {
      const u1 = 1 - nextFloat(); // (0, 1]: log(0) never happens
      const u2 = nextFloat();
      return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
    state: () => [s[0], s[1], s[2], s[3]] as const,
  };
}

function seedState(seed: number | string): number[] {
  const next = splitmix32(hashSeed(seed));
  return [next(), next(), next(), next()];
}
