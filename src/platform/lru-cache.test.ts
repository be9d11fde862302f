import { describe, expect, it } from 'vitest';
import { LruCache } from './lru-cache.js';

describe('LruCache', () => {
  it('drops the least recently used entry past its size, and expired entries', () => {
    let clock = 0;
    const cache = new LruCache<string, number>(2, 100, () => clock);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // b is now the least recently used
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    clock = 100;
    expect(cache.get('c')).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('deletes by value', () => {
    const cache = new LruCache<string, { user: string }>(10, 1_000);
    cache.set('x', { user: 'u1' });
    cache.set('y', { user: 'u2' });
    cache.deleteWhere((v) => v.user === 'u1');
    expect(cache.get('x')).toBeUndefined();
    expect(cache.get('y')).toEqual({ user: 'u2' });
  });
});
