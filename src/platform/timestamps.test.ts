import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  formatTimestamp,
  parseTimestamp,
  TIMESTAMP_MAX_MS,
  TIMESTAMP_MIN_MS,
} from './timestamps.js';

describe('parseTimestamp', () => {
  it('reads RFC 3339 date-times into epoch milliseconds', () => {
    expect(parseTimestamp('2026-12-01T10:00:00Z')).toBe(Date.parse('2026-12-01T10:00:00Z'));
    expect(parseTimestamp('2026-12-01t10:00:00.5+01:30')).toBe(
      Date.parse('2026-12-01T08:30:00.500Z'),
    );
    expect(parseTimestamp('2024-02-29T00:00:00Z')).toBe(Date.parse('2024-02-29T00:00:00Z'));
    expect(parseTimestamp('0050-06-01T00:00:00Z')).toBe(Date.parse('0050-06-01T00:00:00Z'));
  });

  it('holds the range at both ends, offsets included', () => {
    expect(parseTimestamp('0001-01-01T00:00:00Z')).toBe(TIMESTAMP_MIN_MS);
    expect(parseTimestamp('9999-12-31T23:59:59.999Z')).toBe(TIMESTAMP_MAX_MS);
    expect(parseTimestamp('9999-12-31T23:59:59.9999999Z')).toBe(TIMESTAMP_MAX_MS);
    expect(parseTimestamp('9999-12-31T23:59:59-01:00')).toBeUndefined();
    expect(parseTimestamp('0001-01-01T00:00:00+00:01')).toBeUndefined();
    expect(parseTimestamp('0000-01-01T00:00:00+00:01')).toBeUndefined();
    expect(parseTimestamp('0000-12-31T23:00:00-02:00')).toBe(TIMESTAMP_MIN_MS + 3_600_000);
  });

  it('refuses what is not a date-time', () => {
    for (const value of [
      '2023-02-29T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T23:59:60Z',
      '2026-01-01T00:00:00',
      '2026-01-01T00:00:00+0100',
      '2026-01-01T00:00:00+24:00',
      '2026-01-01',
      ' 2026-01-01T00:00:00Z',
      '+010000-01-01T00:00:00Z',
    ]) {
      expect(parseTimestamp(value), value).toBeUndefined();
    }
  });
});

describe('formatTimestamp', () => {
  const same = (ms: number) => expect(formatTimestamp(ms)).toBe(new Date(ms).toISOString());

  it('writes what toISOString writes, at the edges of the range and of a day', () => {
    for (const ms of [
      TIMESTAMP_MIN_MS,
      TIMESTAMP_MAX_MS,
      0,
      -1,
      1,
      86_399_999,
      86_400_000,
      -86_400_000,
      951_782_400_000, // 2000-02-29
      1_764_633_599_999,
    ])
      same(ms);
  });

  it('writes what toISOString writes for any instant in the range', () => {
    fc.assert(
      fc.property(fc.integer({ min: TIMESTAMP_MIN_MS, max: TIMESTAMP_MAX_MS }), (ms) => {
        same(ms);
      }),
      { numRuns: 20_000 },
    );
  });

  it('leaves values outside the range to toISOString (a fraction is cut, NaN throws)', () => {
    same(TIMESTAMP_MAX_MS + 1);
    same(1.5);
    expect(() => formatTimestamp(Number.NaN)).toThrow(RangeError);
  });
});
