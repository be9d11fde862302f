import { describe, expect, it } from 'vitest';
import { parseTimestamp, TIMESTAMP_MAX_MS, TIMESTAMP_MIN_MS } from './timestamps.js';

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
