// The one definition of an acceptable timestamp: RFC 3339 `date-time` (offset required, no leap
// second — JavaScript dates cannot hold one) whose instant lies in 0001-01-01 … 9999-12-31 UTC.
// An offset can push a valid-looking date out of that range (`9999-12-31T23:59:59-01:00` is year
// 10000 in UTC), and such a value cannot be written back as RFC 3339: it is refused at the schema.

/** 0001-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z in epoch milliseconds. */
export const TIMESTAMP_MIN_MS = -62_135_596_800_000;
export const TIMESTAMP_MAX_MS = 253_402_300_799_999;
export const TIMESTAMP_RANGE = '0001-01-01T00:00:00Z … 9999-12-31T23:59:59.999Z';

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

const daysIn = (year: number, month: number) =>
  month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;

/** Epoch milliseconds of an RFC 3339 date-time within the range above, or undefined. */
export function parseTimestamp(value: string): number | undefined {
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[8]) {
    const offsetHours = Number(m[9]);
    const offsetMins = Number(m[10]);
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const millis = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  const ms = date.getTime() - offsetMinutes * 60_000;
  return ms >= TIMESTAMP_MIN_MS && ms <= TIMESTAMP_MAX_MS ? ms : undefined;
}

/** The `date-time` format for the request validators (replaces ajv-formats' wider one). */
export const dateTimeFormat = {
  type: 'string' as const,
  validate: (value: string) => parseTimestamp(value) !== undefined,
};

const DAY_MS = 86_400_000;
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
/** `YYYY-MM-DDT` of recent day numbers: a page of tasks has few distinct days. */
const dayPrefixes = new Map<number, string>();

/**
 * `new Date(ms).toISOString()`, several times faster: the date part is cached per day and the time
 * part assembled from tables. Answers carry a few timestamps per row, and toISOString was a
 * measurable share of a list request's CPU (bench/README.md). Same output for every `ms` in range.
 */
export function formatTimestamp(ms: number): string {
  // Anything else (out of range, fractional, NaN) keeps toISOString's exact behaviour.
  if (!Number.isInteger(ms) || ms < TIMESTAMP_MIN_MS || ms > TIMESTAMP_MAX_MS)
    return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    if (dayPrefixes.size >= 4096) dayPrefixes.clear();
    dayPrefixes.set(day, prefix);
  }
  let rest = ms - day * DAY_MS;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  const hours = (rest - minutes) / 60;
  return `${prefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[millis]}Z`;
}
