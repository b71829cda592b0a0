import { PackageLru } from '../../../../src/adapters/outbound/package-cache/package-lru';

const bytes = (length: number, fill = 1) => Buffer.alloc(length, fill);

describe('PackageLru', () => {
  it('answers only for the cache key a package was stored under, and forgets the older version', () => {
    const lru = new PackageLru(1000);
    lru.set(1, 'v1', bytes(100));

    expect(lru.get(1, 'v1')).toEqual(bytes(100));
    expect(lru.get(1, 'v2')).toBeUndefined();
    expect(lru.get(1, 'v1')).toBeUndefined();
    expect(lru).toMatchObject({ size: 0, bytes: 0 });
  });

  it('keeps one package per pass, the newest', () => {
    const lru = new PackageLru(1000);
    lru.set(1, 'v1', bytes(100));
    lru.set(1, 'v2', bytes(300, 2));

    expect(lru.get(1, 'v2')).toEqual(bytes(300, 2));
    expect(lru).toMatchObject({ size: 1, bytes: 300 });
  });

  it('evicts the least recently used packages once their bytes pass the bound', () => {
    const lru = new PackageLru(300);
    lru.set(1, 'a', bytes(100));
    lru.set(2, 'b', bytes(100));
    lru.set(3, 'c', bytes(100));
    lru.get(1, 'a');

    lru.set(4, 'd', bytes(150));

    expect(lru.get(2, 'b')).toBeUndefined();
    expect(lru.get(3, 'c')).toBeUndefined();
    expect(lru.get(1, 'a')).toBeDefined();
    expect(lru.get(4, 'd')).toBeDefined();
    expect(lru.bytes).toBe(250);
  });

  it('does not keep a package larger than the bound, nor anything with a bound of 0', () => {
    const small = new PackageLru(50);
    small.set(1, 'a', bytes(40));
    small.set(2, 'b', bytes(60));
    const none = new PackageLru(0);
    none.set(1, 'a', bytes(1));

    expect(small.get(2, 'b')).toBeUndefined();
    expect(small.get(1, 'a')).toBeDefined();
    expect(none).toMatchObject({ size: 0, bytes: 0 });
  });

  it('forgets the older package of a pass whose newer one is too large to keep', () => {
    const lru = new PackageLru(50);
    lru.set(1, 'v1', bytes(40));
    lru.set(1, 'v2', bytes(60));

    expect(lru.get(1, 'v1')).toBeUndefined();
    expect(lru).toMatchObject({ size: 0, bytes: 0 });
  });

  it('keeps thousands of packages in use order through repeated hits and evictions', () => {
    const lru = new PackageLru(1000 * 10);
    for (let round = 0; round < 3; round++) {
      for (let key = 0; key < 2000; key++) {
        if (lru.get(key, `v${round}`) === undefined) lru.set(key, `v${round}`, bytes(10));
      }
    }

    expect(lru).toMatchObject({ size: 1000, bytes: 10_000 });
    expect(lru.get(999, 'v2')).toBeUndefined();
    expect(lru.get(1000, 'v2')).toBeDefined();
    expect(lru.get(1999, 'v2')).toBeDefined();
  });
});
