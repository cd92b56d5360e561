import { createPrng, hashSeed } from './prng';

describe('prng (xoshiro128** seeded by splitmix32)', () => {
  it('matches the reference C implementation from the state {1, 2, 3, 4}', () => {
    // First outputs of xoshiro128starstar.c with s = {1, 2, 3, 4}, computed independently from the published code.
    const prng = createPrng([1, 2, 3, 4]);
    expect(Array.from({ length: 6 }, () => prng.nextUint32())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('hashes seeds with 32-bit FNV-1a', () => {
    expect(hashSeed('')).toBe(0x811c9dc5); // the offset basis
    expect(hashSeed('a')).toBe(0xe40c292c); // the published test vector
    expect(hashSeed(42)).toBe(hashSeed('42'));
  });

  it('the same seed gives the same stream; another seed another one', () => {
    const draw = (seed: number | string) => {
      const prng = createPrng(seed);
      return Array.from({ length: 50 }, () => prng.nextUint32());
    };
    expect(draw('demo')).toEqual(draw('demo'));
    expect(draw('demo')).not.toEqual(draw('demo2'));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('resumes exactly from a saved state', () => {
    const a = createPrng(7);
    for (let i = 0; i < 10; i += 1) a.nextNormal();
    const b = createPrng(a.state());
    expect(Array.from({ length: 20 }, () => b.nextFloat())).toEqual(Array.from({ length: 20 }, () => a.nextFloat()));
  });

  it('refuses an all-zero state, which would only ever give zeros', () => {
    expect(() => createPrng([0, 0, 0, 0])).toThrow(RangeError);
  });

  it('floats lie in [0, 1) and normals have mean 0 and variance 1 (20,000 draws, seed 11)', () => {
    const prng = createPrng(11);
    const n = 20_000;
    const floats = Array.from({ length: n }, () => prng.nextFloat());
    expect(Math.min(...floats)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...floats)).toBeLessThan(1);
    const normals = Array.from({ length: n }, () => prng.nextNormal());
    const mean = normals.reduce((s, x) => s + x, 0) / n;
    const variance = normals.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
    // standard error of the mean is 1 / sqrt(20,000) = 0.007; of the variance about sqrt(2 / n) = 0.01
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.04);
  });
});
