import { describe, expect, it } from 'vitest';
import { RecentlyUsedCache } from './recently-used-cache';

/** A `make` that records the keys it was called for, numbering its values. */
function recordingMaker() {
  const made: string[] = [];
  return { made, make: (key: string) => made.push(key) };
}

describe('RecentlyUsedCache', () => {
  it('makes a value once per key while it is kept', () => {
    const cache = new RecentlyUsedCache<string, string>(2);
    const made: string[] = [];
    const make = (key: string) => {
      made.push(key);
      return key.toUpperCase();
    };
    expect(cache.get('a', make)).toBe('A');
    expect(cache.get('a', make)).toBe('A');
    expect(cache.get('b', make)).toBe('B');
    expect(cache.get('b', make)).toBe('B');
    expect(made).toEqual(['a', 'b']);
  });

  it('never holds more than its capacity', () => {
    const cache = new RecentlyUsedCache<number, number>(3);
    for (let key = 0; key < 50; key += 1) {
      cache.get(key, (k) => k);
      if (key % 3 === 0) cache.get(key, () => -1);
      expect(cache.size).toBeLessThanOrEqual(3);
    }
  });

  it('pushes out the oldest entry not used since it was added, keeping one in use', () => {
    const cache = new RecentlyUsedCache<string, number>(3);
    const { made, make } = recordingMaker();
    cache.get('hot', make);
    cache.get('b', make);
    cache.get('c', make);
    cache.get('hot', make); // used: gets a second chance
    cache.get('d', make); // pushes out b, the oldest unused
    made.length = 0;
    cache.get('hot', make);
    cache.get('c', make);
    cache.get('d', make);
    expect(made).toEqual([]);
    cache.get('b', make);
    expect(made).toEqual(['b']);
  });

  it('pushes out the oldest when every entry was used', () => {
    const cache = new RecentlyUsedCache<string, number>(2);
    const { made, make } = recordingMaker();
    cache.get('a', make);
    cache.get('b', make);
    cache.get('a', make);
    cache.get('b', make);
    cache.get('c', make); // both used: both lose the flag, then a (now oldest) goes
    made.length = 0;
    cache.get('b', make);
    cache.get('c', make);
    expect(made).toEqual([]);
    cache.get('a', make);
    expect(made).toEqual(['a']);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RecentlyUsedCache(0)).toThrow(RangeError);
    expect(() => new RecentlyUsedCache(1.5)).toThrow(RangeError);
  });
});
