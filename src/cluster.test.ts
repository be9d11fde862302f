import { describe, expect, it } from 'vitest';
import { restartDelayMs } from './cluster.js';

describe('restartDelayMs', () => {
  const now = 1_000_000;

  it('replaces a worker at once after a single death', () => {
    expect(restartDelayMs([now], now)).toBe(0);
  });

  it('backs off exponentially while workers keep dying within a minute, up to 30 s', () => {
    const deaths = (n: number) => Array.from({ length: n }, (_, i) => now - i * 1_000);
    expect([2, 3, 4, 5].map((n) => restartDelayMs(deaths(n), now))).toEqual([
      1_000, 2_000, 4_000, 8_000,
    ]);
    expect(restartDelayMs(deaths(20), now)).toBe(30_000);
  });

  it('forgets deaths older than a minute', () => {
    expect(restartDelayMs([now - 61_000, now - 90_000, now], now)).toBe(0);
  });
});
