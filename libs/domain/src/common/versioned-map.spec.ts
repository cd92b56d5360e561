import { VersionedMap } from './versioned-map';

describe('VersionedMap', () => {
  it('sets, changes and removes keys, counting what it holds', () => {
    const map = VersionedMap.empty<number>().set('a', 1).set('b', 2).set('a', 5).delete('b').set('c', 3);
    expect(map.get('a')).toBe(5);
    expect(map.get('b')).toBeUndefined();
    expect(map.has('c')).toBe(true);
    expect(map.size).toBe(2);
    expect(map.toRecord()).toEqual({ a: 5, c: 3 });
    expect(JSON.stringify({ held: map })).toBe('{"held":{"a":5,"c":3}}');
    expect([...map.entries()]).toEqual([
      ['a', 5],
      ['c', 3],
    ]);
  });

  it('leaves every older version as it was while the newest one changes in place', () => {
    const v0 = VersionedMap.empty<number>();
    const v1 = v0.set('a', 1);
    const v2 = v1.set('a', 2);
    const v3 = v2.delete('a').set('b', 9);
    expect(v0.toRecord()).toEqual({});
    expect(v1.get('a')).toBe(1);
    expect(v2.toRecord()).toEqual({ a: 2 });
    expect(v3.toRecord()).toEqual({ b: 9 });
    expect([v0.size, v1.size, v2.size, v3.size]).toEqual([0, 1, 1, 1]);
  });

  it('branches from an older version without changes leaking in either direction', () => {
    const base = VersionedMap.empty<string>().set('x', 'base');
    const main = base.set('x', 'main').set('y', 'main');
    const branch = base.delete('x').set('z', 'branch');
    expect(main.toRecord()).toEqual({ x: 'main', y: 'main' });
    expect(branch.toRecord()).toEqual({ z: 'branch' });
    expect(base.toRecord()).toEqual({ x: 'base' });
    // Both lines can go on growing after the branch was taken.
    expect(main.set('w', 'main').toRecord()).toEqual({ x: 'main', y: 'main', w: 'main' });
    expect(branch.set('w', 'branch').toRecord()).toEqual({ z: 'branch', w: 'branch' });
    expect(base.get('w')).toBeUndefined();
  });

  it('returns the same version for a change that changes nothing', () => {
    const map = VersionedMap.empty<number>().set('a', 1);
    expect(map.set('a', 1)).toBe(map);
    expect(map.delete('missing')).toBe(map);
  });

  it('keeps the latest value of each key over a long run of changes', () => {
    let map = VersionedMap.empty<number>();
    for (let i = 0; i < 20_000; i++) map = map.set(`o-${i % 5_000}`, i);
    expect(map.size).toBe(5_000);
    expect(map.get('o-4999')).toBe(19_999);
  });
});
