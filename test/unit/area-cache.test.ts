// The loaded-area cache: bounded by bytes, least recently used out first, single-flight loads,
// failed loads forgotten.
import { describe, expect, it } from 'vitest';
import { AreaCache } from '../../functions/application/serving/area-cache.js';

describe('AreaCache', () => {
  it('evicts the least recently used when over budget, and loads each key once at a time', async () => {
    const cache = new AreaCache<{ bytes: number }>(100, (v) => v.bytes);
    let loads = 0;
    const load = () => {
      loads++;
      return Promise.resolve({ bytes: 40 });
    };
    await Promise.all([cache.get('a', load), cache.get('a', load)]);
    expect(loads).toBe(1);
    await cache.get('b', load);
    expect(cache.peek('a')).toEqual({ bytes: 40 }); // a is now more recent than b
    await cache.get('c', load); // 120 bytes: the least recently used (b) leaves
    expect(cache.has('a')).toBe(true);
    expect(cache.has('b')).toBe(false);
    expect(cache.has('c')).toBe(true);
    expect(cache.stats()).toMatchObject({ entries: 2, bytes: 80, evictions: 1 });
  });

  it('forgets a failed load, so the next request tries again', async () => {
    const cache = new AreaCache<string>(100, () => 1);
    await expect(cache.get('x', () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    expect(await cache.get('x', () => Promise.resolve('loaded'))).toBe('loaded');
    expect(cache.peek('missing')).toBeUndefined();
  });
});
