import { describe, expect, it } from 'vitest';
import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  it('keeps a value until its time is up, a cached undefined included', () => {
    let now = 1000;
    const cache = new TtlCache<string | undefined>(10, () => now);
    cache.set('a', 'x', 500);
    cache.set('nobody', undefined, 500);
    expect(cache.get('a')?.value).toBe('x');
    expect(cache.get('nobody')).toBeDefined();
    expect(cache.get('nobody')?.value).toBeUndefined();
    now = 1499;
    expect(cache.get('a')?.value).toBe('x');
    now = 1500;
    expect(cache.get('a')).toBeUndefined();
  });

  it('drops the oldest written entry when full', () => {
    const cache = new TtlCache<number>(2, () => 0);
    cache.set('one', 1, 100);
    cache.set('two', 2, 100);
    cache.set('one', 11, 100); // written again: now the newest
    cache.set('three', 3, 100);
    expect(cache.get('two')).toBeUndefined();
    expect(cache.get('one')?.value).toBe(11);
    expect(cache.get('three')?.value).toBe(3);
  });
});
